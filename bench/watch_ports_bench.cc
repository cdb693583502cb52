// WatchPorts fan-out, against the simulator: --watchers watchers spread over --hosts hosts of
// --host_ports ports each, while the simulator churns --churn_percent % of every host's ports per
// interval (--interval_s, which is also the watch interval). Reports, over --intervals intervals:
//   - upstream requests per interval (goal: the pages of one walk per host, not per watcher);
//   - the fan-out spread: for each poll's message of a host, how long after the first of its
//     watchers each other watcher got it (p50/p99);
//   - the gateway's peak RSS and its CPU time per interval.
//
//   watch_ports_bench [--watchers=1000] [--hosts=10] [--host_ports=2000] [--churn_percent=1]
//                     [--interval_s=2] [--intervals=10]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "rapidjson/document.h"
#include "tests/e2e/gateway_env.h"

ABSL_FLAG(int, watchers, 1000, "concurrent WatchPorts calls");
ABSL_FLAG(int, hosts, 10, "hosts the watchers are spread over (round robin)");
ABSL_FLAG(int, host_ports, 2000, "ports per host");
ABSL_FLAG(double, churn_percent, 1, "% of each host's ports the simulator changes per interval");
ABSL_FLAG(int, interval_s, 2, "churn and watch interval, seconds");
ABSL_FLAG(int, intervals, 10, "intervals measured after every watcher has its snapshot");

namespace hss::bench {
namespace {

using hss::ports::v1::WatchPortsRequest;
using hss::ports::v1::WatchPortsResponse;

long long SimRequests(const testing::GatewayEnv& env) {
  auto stats = env.SimCall("GET", "/_sim/stats");
  if (!stats.ok()) return -1;
  rapidjson::Document doc;
  doc.Parse(stats->second.c_str());
  return doc.IsObject() && doc.HasMember("requests") ? doc["requests"].GetInt64() : -1;
}

// Arrival times of change messages: (host, ordinal of the change message) -> times.
class Arrivals {
 public:
  void Add(int host, int ordinal, absl::Time t) {
    absl::MutexLock lock(&mu_);
    times_[{host, ordinal}].push_back(t);
  }
  // Delay of every arrival after the first arrival of the same message, ms.
  std::vector<double> SpreadMs() {
    absl::MutexLock lock(&mu_);
    std::vector<double> out;
    for (auto& [key, times] : times_) {
      const absl::Time first = *std::min_element(times.begin(), times.end());
      for (absl::Time t : times) out.push_back(absl::ToDoubleMilliseconds(t - first));
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  absl::Mutex mu_;
  std::map<std::pair<int, int>, std::vector<absl::Time>> times_;
};

double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1))];
}

int Run() {
  const int watchers = absl::GetFlag(FLAGS_watchers);
  const int hosts = absl::GetFlag(FLAGS_hosts);
  const int interval_s = absl::GetFlag(FLAGS_interval_s);
  std::vector<std::string> sizes, churn;
  for (int h = 0; h < hosts; ++h) {
    sizes.push_back(absl::StrCat("w", h, ":", absl::GetFlag(FLAGS_host_ports)));
    churn.push_back(
        absl::StrCat("w", h, ":", absl::GetFlag(FLAGS_churn_percent), ":", interval_s * 1000));
  }
  auto env = testing::GatewayEnv::Start(
      {.sim_args = {absl::StrCat("--hosts=", absl::StrJoin(sizes, ",")),
                    absl::StrCat("--churn=", absl::StrJoin(churn, ",")), "--request_log_max=0"},
       .gateway_args = {
           "--watch_min_interval=1s", absl::StrCat("--watch_default_interval=", interval_s, "s"),
           "--watch_heartbeat=1h", "--log_calls=false", "--max_concurrent_streams=100000"}});
  if (!env.ok()) {
    std::fprintf(stderr, "start: %s\n", std::string(env.status().message()).c_str());
    return 1;
  }
  const pid_t gateway = (*env)->gateway().pid();
  Arrivals arrivals;
  std::atomic<int> synced{0};
  std::atomic<long long> messages{0}, changes{0}, resets{0};
  std::atomic<bool> stop{false};
  // A few channels: one HTTP/2 connection per 100 watchers.
  std::vector<std::shared_ptr<hss::ports::v1::PortService::Stub>> stubs;
  for (int i = 0; i < (watchers + 99) / 100; ++i) stubs.push_back((*env)->NewStub());
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts(watchers);
  std::vector<std::thread> threads;
  for (int i = 0; i < watchers; ++i) {
    contexts[i] = std::make_unique<grpc::ClientContext>();
    testing::GatewayEnv::Prepare(*contexts[i], absl::Hours(1));
    threads.emplace_back([&, i] {
      WatchPortsRequest request;
      const int host = i % hosts;
      request.set_host_id(absl::StrCat("w", host));
      auto reader = stubs[i / 100]->WatchPorts(contexts[i].get(), request);
      WatchPortsResponse m;
      bool have_snapshot = false;
      int ordinal = 0;
      while (reader->Read(&m)) {
        ++messages;
        if (!have_snapshot) {
          if (m.synced()) {
            have_snapshot = true;
            ++synced;
          }
          continue;
        }
        if (m.reset()) ++resets;
        changes += m.changes_size();
        if (!stop.load()) arrivals.Add(host, ordinal, absl::Now());
        ++ordinal;
      }
      reader->Finish();
    });
  }
  const absl::Time deadline = absl::Now() + absl::Minutes(2);
  while (synced.load() < watchers && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
  if (synced.load() < watchers) {
    std::fprintf(stderr, "only %d of %d watchers got their snapshot\n", synced.load(), watchers);
  }
  const long long requests_before = SimRequests(**env);
  const absl::Duration cpu_before = ProcessCpuTime(gateway);
  const long long changes_before = changes.load();
  long peak_rss = RssKib(gateway);
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(interval_s * absl::GetFlag(FLAGS_intervals));
  while (absl::Now() < end) {
    absl::SleepFor(absl::Milliseconds(100));
    peak_rss = std::max(peak_rss, RssKib(gateway));
  }
  stop = true;
  const double intervals = absl::ToDoubleSeconds(absl::Now() - start) / interval_s;
  const long long requests = SimRequests(**env) - requests_before;
  const absl::Duration cpu = ProcessCpuTime(gateway) - cpu_before;
  const std::vector<double> spread = arrivals.SpreadMs();
  const int pages = (absl::GetFlag(FLAGS_host_ports) + 199) / 200;
  std::printf("watchers %d over %d hosts of %d ports, %.1f%% churn per %d s interval\n", watchers,
              hosts, absl::GetFlag(FLAGS_host_ports), absl::GetFlag(FLAGS_churn_percent),
              interval_s);
  std::printf("upstream requests per interval: %.1f (one walk per host: %d)\n",
              static_cast<double>(requests) / intervals, hosts * pages);
  std::printf("changes delivered per watcher per interval: %.1f; resets: %lld\n",
              static_cast<double>(changes.load() - changes_before) / watchers / intervals,
              resets.load());
  std::printf("fan-out spread after the poll (ms): p50 %.1f, p99 %.1f (%zu arrivals)\n",
              Percentile(spread, 50), Percentile(spread, 99), spread.size());
  std::printf("gateway peak RSS %.1f MiB; CPU %.3f s per interval\n", peak_rss / 1024.0,
              absl::ToDoubleSeconds(cpu) / intervals);
  for (auto& context : contexts) context->TryCancel();
  for (auto& thread : threads) thread.join();
  return 0;
}

}  // namespace
}  // namespace hss::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hss::bench::Run();
}
