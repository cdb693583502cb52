// Unary ListPorts through hss-gateway versus the same requests sent straight to
// the upstream (hss-sim) over keep-alive HTTP, at the same concurrency, in one run.
//
//   list_ports_bench [--concurrency=32] [--seconds=8] [--limit=10]
//                    [--gateway_args=--metrics_listen=127.0.0.1:0]
//
// Prints requests per second, p50/p99 latency, and the gateway's CPU time per call.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "server/http/curl_transport.h"
#include "tests/e2e/gateway_env.h"

ABSL_FLAG(int, concurrency, 32, "requests in flight at once");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(8), "length of each phase");
ABSL_FLAG(int, limit, 10, "ports per page");
ABSL_FLAG(int, max_requests, 200000, "upper bound of requests per phase");
ABSL_FLAG(std::vector<std::string>, gateway_args, {},
          "extra hss-gateway flags, comma-separated (e.g. --metrics_listen=127.0.0.1:0)");

namespace hss::bench {
namespace {

struct PhaseResult {
  std::string name;
  double rps = 0;
  double p50_us = 0;
  double p99_us = 0;
  size_t ok = 0;
  size_t failed = 0;
};

// Keeps `concurrency` requests in flight until `duration` or `max_requests`.
template <typename StartOne>
PhaseResult RunClosedLoop(const std::string& name, int concurrency, absl::Duration duration,
                          int max_requests, StartOne start_one) {
  LatencyRecorder recorder;
  std::atomic<int> started{0};
  std::atomic<int> in_flight{0};
  absl::Notification done;
  const absl::Time end = absl::Now() + duration;
  std::function<void()> launch;
  launch = [&] {
    if (absl::Now() >= end || started.fetch_add(1) >= max_requests) {
      if (in_flight.fetch_sub(1) == 1) done.Notify();
      return;
    }
    const absl::Time begin = absl::Now();
    start_one([&, begin](bool ok) {
      recorder.Add(absl::Now() - begin, ok);
      launch();
    });
  };
  const absl::Time t0 = absl::Now();
  in_flight = concurrency;
  for (int i = 0; i < concurrency; ++i) launch();
  done.WaitForNotification();
  const absl::Duration took = absl::Now() - t0;
  PhaseResult r;
  r.name = name;
  r.ok = recorder.successes();
  r.failed = recorder.failures();
  r.rps = static_cast<double>(r.ok) / absl::ToDoubleSeconds(took);
  r.p50_us = recorder.PercentileMicros(50);
  r.p99_us = recorder.PercentileMicros(99);
  return r;
}

int Main() {
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  const int limit = absl::GetFlag(FLAGS_limit);
  const int max_requests = absl::GetFlag(FLAGS_max_requests);

  std::vector<std::string> gateway_args = {"--log_calls=false"};
  for (const std::string& arg : absl::GetFlag(FLAGS_gateway_args)) gateway_args.push_back(arg);
  auto env = testing::GatewayEnv::Start(
      {.sim_args = {"--hosts=bench-host:1000"}, .gateway_args = std::move(gateway_args)});
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.status().ToString().c_str());
    return 1;
  }
  testing::GatewayEnv& e = **env;

  // Direct: the same GET the gateway sends, over keep-alive connections.
  auto transport = *gateway::CurlTransport::Create({});
  const std::string url = absl::StrCat(e.sim_url(), "/v5/", testing::GatewayEnv::kProject,
                                       "/asset/ports?host_id=bench-host&limit=", limit);
  auto direct_one = [&](auto done) {
    gateway::HttpRequest request;
    request.url = url;
    request.headers.emplace_back("X-Auth-Token", testing::GatewayEnv::kToken);
    transport->Start(std::move(request),
                     [done = std::move(done)](absl::StatusOr<gateway::HttpResponse> r) mutable {
                       done(r.ok() && r->status == 200);
                     });
  };
  // Warm up both paths (connections, thread pools).
  RunClosedLoop("warm-up", concurrency, absl::Seconds(1), 2000, direct_one);
  PhaseResult direct = RunClosedLoop("direct HTTP (libcurl keep-alive)", concurrency, duration,
                                     max_requests, direct_one);

  auto stub = e.NewStub();
  hss::ports::v1::ListPortsRequest request;
  request.set_host_id("bench-host");
  request.set_limit(limit);
  auto grpc_one = [&](auto done) {
    struct Call {
      grpc::ClientContext context;
      hss::ports::v1::ListPortsResponse response;
    };
    auto call = std::make_shared<Call>();
    call->context.AddMetadata("x-auth-token", testing::GatewayEnv::kToken);
    stub->async()->ListPorts(&call->context, &request, &call->response,
                             [call, done = std::move(done)](grpc::Status s) mutable {
                               done(s.ok() && call->response.data_list_size() > 0);
                             });
  };
  RunClosedLoop("warm-up", concurrency, absl::Seconds(1), 2000, grpc_one);
  const pid_t gateway_pid = e.gateway().pid();
  const absl::Duration cpu_before = ProcessCpuTime(gateway_pid);
  PhaseResult via =
      RunClosedLoop("gRPC via hss-gateway", concurrency, duration, max_requests, grpc_one);
  const absl::Duration cpu = ProcessCpuTime(gateway_pid) - cpu_before;
  const double cpu_us_per_call =
      via.ok == 0 ? 0 : absl::ToDoubleMicroseconds(cpu) / static_cast<double>(via.ok);

  std::printf("ListPorts limit=%d, concurrency %d, %s per phase, %ld cores\n", limit, concurrency,
              absl::FormatDuration(duration).c_str(), sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("%-36s %10s %10s %10s %8s %8s\n", "path", "req/s", "p50 us", "p99 us", "ok",
              "failed");
  for (const PhaseResult* r : {&direct, &via}) {
    std::printf("%-36s %10.0f %10.0f %10.0f %8zu %8zu\n", r->name.c_str(), r->rps, r->p50_us,
                r->p99_us, r->ok, r->failed);
  }
  std::printf("gateway throughput / direct: %.0f%%\n", 100.0 * via.rps / direct.rps);
  std::printf("gateway CPU per call: %.1f us (%.2f s CPU for %zu calls)\n", cpu_us_per_call,
              absl::ToDoubleSeconds(cpu), via.ok);
  return direct.failed + via.failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace hss::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hss::bench::Main();
}
