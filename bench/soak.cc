// Soak: a bounded mixed load on one hss-gateway for a given time, sampling the
// gateway's RSS, open fds and threads every second.
//
// Load (--clients threads, each one call at a time, picked at random):
//   45 % ListPorts of a random page, 25 % StreamPorts walks of a 2,000-port host
//   (every port checked against the simulator's data: none lost, none twice),
//   15 % walks cancelled after their first page, 10 % calls with a 5 ms
//   deadline, 5 % WatchPorts watches held for a second then cancelled (when the
//   gateway has WatchPorts); --fault_percent of upstream answers fail
//   (half 503, half connection reset).
//
// Prints a summary and writes one CSV line per second (--csv): seconds, RSS MiB,
// fds, threads, calls in flight, calls done, calls failed. bench/soak_plot.gp
// draws it (gnuplot).
//
//   soak [--duration=60s] [--clients=16] [--fault_percent=5] [--csv=soak.csv]
#include <dirent.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "sim/data/port_generator.h"
#include "tests/e2e/gateway_env.h"

ABSL_FLAG(absl::Duration, duration, absl::Seconds(60), "length of the load");
ABSL_FLAG(int, clients, 16, "client threads, each with one call at a time");
ABSL_FLAG(int, fault_percent, 5, "upstream answers that fail (half 503, half reset)");
ABSL_FLAG(std::string, csv, "soak.csv", "per-second samples");
ABSL_FLAG(absl::Duration, warm_up, absl::Seconds(10), "samples ignored for the RSS variation");

namespace hss::bench {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

constexpr char kWalkHost[] = "soak-walk";
constexpr int kWalkPorts = 2000;

int CountDir(const std::string& path) {
  int n = 0;
  if (DIR* dir = opendir(path.c_str())) {
    while (dirent* entry = readdir(dir)) n += entry->d_name[0] != '.';
    closedir(dir);
  }
  return n;
}

int Threads(pid_t pid) { return CountDir(absl::StrCat("/proc/", pid, "/task")); }
int Fds(pid_t pid) { return CountDir(absl::StrCat("/proc/", pid, "/fd")); }

struct Counters {
  std::atomic<long> in_flight{0};
  std::atomic<long> done{0};
  std::atomic<long> failed{0};
  std::atomic<long> walks_ok{0};
  std::atomic<long> walks_bad{0};  // Ended OK but lost, repeated or misplaced a port.
  std::atomic<long> watches{0};
  std::atomic<bool> watch_supported{true};
};

// True if the ports of a walk that ended OK are exactly the host's records.
bool WalkIsExact(const std::vector<hss::ports::v1::Port>& ports) {
  if (ports.size() != static_cast<size_t>(kWalkPorts)) return false;
  const sim::HostPorts host(sim::HostKey{1, kWalkHost, sim::Category::kHost});
  for (int i = 0; i < kWalkPorts; ++i) {
    const sim::PortRecord want = host.At(i);
    if (ports[i].port() != want.port || ports[i].pid() != want.pid.value_or(0) ||
        ports[i].laddr() != want.laddr.value_or("")) {
      return false;
    }
  }
  return true;
}

void Client(testing::GatewayEnv& env, int seed, absl::Time end, Counters& counters) {
  std::mt19937 rng(seed);
  auto stub = env.NewStub();
  while (absl::Now() < end) {
    const int pick = static_cast<int>(rng() % 100);
    ++counters.in_flight;
    bool ok = true;
    if (pick < 45) {
      grpc::ClientContext context;
      testing::GatewayEnv::Prepare(context, absl::Seconds(30));
      ListPortsRequest request;
      request.set_host_id(absl::StrCat("soak-", rng() % 50));
      request.set_limit(50);
      ListPortsResponse response;
      ok = stub->ListPorts(&context, request, &response).ok();
    } else if (pick < 85) {
      const bool cancel = pick >= 70;
      grpc::ClientContext context;
      testing::GatewayEnv::Prepare(context, absl::Seconds(60));
      StreamPortsRequest request;
      request.set_host_id(kWalkHost);
      auto reader = stub->StreamPorts(&context, request);
      std::vector<hss::ports::v1::Port> ports;
      StreamPortsResponse page;
      while (reader->Read(&page)) {
        for (auto& port : *page.mutable_ports()) ports.push_back(std::move(port));
        if (cancel) context.TryCancel();
      }
      const grpc::Status status = reader->Finish();
      if (cancel) {
        ok = status.ok() || status.error_code() == grpc::CANCELLED;
      } else if (status.ok()) {
        ++(WalkIsExact(ports) ? counters.walks_ok : counters.walks_bad);
      } else {
        ok = false;
      }
    } else if (pick < 95) {
      grpc::ClientContext context;
      testing::GatewayEnv::Prepare(context, absl::Milliseconds(5));
      ListPortsRequest request;
      request.set_host_id(kWalkHost);
      ListPortsResponse response;
      const grpc::Status status = stub->ListPorts(&context, request, &response);
      ok = status.ok() || status.error_code() == grpc::DEADLINE_EXCEEDED;
    } else if (counters.watch_supported) {
      grpc::ClientContext context;
      testing::GatewayEnv::Prepare(context, absl::Seconds(1));
      hss::ports::v1::WatchPortsRequest request;
      request.set_host_id(absl::StrCat("soak-", rng() % 5));
      auto reader = stub->WatchPorts(&context, request);
      hss::ports::v1::WatchPortsResponse message;
      while (reader->Read(&message)) {
      }
      const grpc::Status status = reader->Finish();
      if (status.error_code() == grpc::UNIMPLEMENTED) counters.watch_supported = false;
      ok = status.error_code() == grpc::DEADLINE_EXCEEDED || status.ok();
      ++counters.watches;
    }
    --counters.in_flight;
    ++counters.done;
    if (!ok) ++counters.failed;
  }
}

int Main() {
  const int fault_percent = absl::GetFlag(FLAGS_fault_percent);
  auto env = testing::GatewayEnv::Start(
      {.sim_args = {absl::StrCat("--hosts=", kWalkHost, ":", kWalkPorts), "--default_ports=300",
                    "--latency_ms=2"},
       .gateway_args = {"--retry_initial_backoff=20ms", "--breaker_failure_threshold=0",
                        "--log_calls=false", "--upstream_idle_timeout=5s"}});
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.status().ToString().c_str());
    return 1;
  }
  if (fault_percent > 0) {
    const double p = fault_percent / 200.0;
    (*env)->AddFault(
        absl::StrCat(R"([{"match":{"path_prefix":"/v5/"},"probability":)", p,
                     R"(,"status":503},{"match":{"path_prefix":"/v5/"},"probability":)", p,
                     R"(,"reset_connection":true}])"));
  }
  const pid_t gateway = (*env)->gateway().pid();
  // Cold baseline: the gateway idle, after one call.
  {
    grpc::ClientContext context;
    testing::GatewayEnv::Prepare(context);
    ListPortsRequest request;
    request.set_host_id("soak-0");
    ListPortsResponse response;
    (void)(*env)->NewStub()->ListPorts(&context, request, &response);
  }
  const int cold_fds = Fds(gateway), cold_threads = Threads(gateway);
  // Warm baseline: after a 3 s burst of the same load, once idle again. gRPC
  // starts its executor and timer threads on first concurrent use and keeps
  // them (a fixed number, not one per call); the burst brings them up, and the
  // upstream connections close again after --upstream_idle_timeout.
  {
    Counters burst;
    const absl::Time burst_end = absl::Now() + absl::Seconds(3);
    std::vector<std::thread> warmers;
    for (int i = 0; i < absl::GetFlag(FLAGS_clients); ++i) {
      warmers.emplace_back([&, i] { Client(**env, 500 + i, burst_end, burst); });
    }
    for (auto& warmer : warmers) warmer.join();
    absl::SleepFor(absl::Seconds(7));
  }
  const int base_fds = Fds(gateway), base_threads = Threads(gateway);
  const long base_rss = RssKib(gateway) / 1024;

  Counters counters;
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  const absl::Time start = absl::Now(), end = start + duration;
  std::vector<std::thread> clients;
  for (int i = 0; i < absl::GetFlag(FLAGS_clients); ++i) {
    clients.emplace_back([&, i] { Client(**env, 1000 + i, end, counters); });
  }
  std::ofstream csv(absl::GetFlag(FLAGS_csv));
  csv << "seconds,rss_mib,fds,threads,in_flight,done,failed\n";
  long rss_min = -1, rss_max = -1, peak_fds = 0, peak_threads = 0;
  const absl::Time warm = start + absl::GetFlag(FLAGS_warm_up);
  for (absl::Time next = start; absl::Now() < end;) {
    next += absl::Seconds(1);
    absl::SleepFor(next - absl::Now());
    const long rss = RssKib(gateway) / 1024;
    const int fds = Fds(gateway), threads = Threads(gateway);
    peak_fds = std::max<long>(peak_fds, fds);
    peak_threads = std::max<long>(peak_threads, threads);
    if (absl::Now() >= warm) {
      rss_min = rss_min < 0 ? rss : std::min(rss_min, rss);
      rss_max = std::max(rss_max, rss);
    }
    csv << absl::ToInt64Seconds(absl::Now() - start) << "," << rss << "," << fds << "," << threads
        << "," << counters.in_flight << "," << counters.done << "," << counters.failed << "\n";
    csv.flush();
  }
  for (auto& client : clients) client.join();
  // Idle again: the upstream connections close after --upstream_idle_timeout
  // (5 s here) and gRPC's thread pool shrinks; wait up to 60 s for both.
  const absl::Time idle_start = absl::Now();
  while (absl::Now() < idle_start + absl::Seconds(60) &&
         (Fds(gateway) > base_fds || Threads(gateway) > base_threads)) {
    absl::SleepFor(absl::Milliseconds(250));
  }
  const double settle_seconds = absl::ToDoubleSeconds(absl::Now() - idle_start);
  const int end_fds = Fds(gateway), end_threads = Threads(gateway);
  const long end_rss = RssKib(gateway) / 1024;
  const double variation = rss_min > 0 ? 100.0 * (rss_max - rss_min) / rss_min : 0;

  std::printf("soak: %s, %d clients, %d%% upstream faults\n",
              absl::FormatDuration(duration).c_str(), absl::GetFlag(FLAGS_clients), fault_percent);
  std::printf("calls: %ld done, %ld failed (%.2f%%), %ld watches%s\n", counters.done.load(),
              counters.failed.load(), 100.0 * counters.failed / std::max(1L, counters.done.load()),
              counters.watches.load(),
              counters.watch_supported ? "" : " (WatchPorts unimplemented)");
  std::printf("walks ended OK: %ld exact, %ld with a lost, repeated or misplaced port\n",
              counters.walks_ok.load(), counters.walks_bad.load());
  std::printf("RSS MiB: baseline %ld, after warm-up min %ld max %ld (variation %.1f%%), end %ld\n",
              base_rss, rss_min, rss_max, variation, end_rss);
  std::printf(
      "fds: cold %d, baseline %d, peak %ld, end %d; threads: cold %d, baseline %d, peak %ld, "
      "end %d (baseline: idle after a 3 s burst; end read %.1f s after the load stopped)\n",
      cold_fds, base_fds, peak_fds, end_fds, cold_threads, base_threads, peak_threads, end_threads,
      settle_seconds);
  std::printf("fds and threads back to the baseline: %s\n",
              end_fds <= base_fds && end_threads <= base_threads ? "yes" : "NO");
  std::printf("samples: %s\n", absl::GetFlag(FLAGS_csv).c_str());
  const bool alive = !(*env)->gateway().ExitedEarly().has_value();
  std::printf("gateway %s\n", alive ? "alive" : "EXITED");
  return alive && counters.walks_bad == 0 ? 0 : 1;
}

}  // namespace
}  // namespace hss::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hss::bench::Main();
}
