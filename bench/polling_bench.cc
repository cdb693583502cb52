// Upstream calls saved by coalescing and the page cache: 100 consumers poll 10
// hosts through hss-gateway for a fixed time; the simulator counts what reached it.
//
//   polling_bench [--consumers=100] [--hosts=10] [--duration=10s] [--poll_interval=200ms]
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rapidjson/document.h"
#include "tests/e2e/gateway_env.h"

ABSL_FLAG(int, consumers, 100, "polling consumers");
ABSL_FLAG(int, hosts, 10, "hosts polled (consumer i polls host i % hosts)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "length of each configuration's run");
ABSL_FLAG(absl::Duration, poll_interval, absl::Milliseconds(200),
          "pause between a consumer's polls");

namespace hss::bench {
namespace {

struct Result {
  long long calls = 0;
  long long failed = 0;
  long long upstream = 0;
};

long long UpstreamRequests(testing::GatewayEnv& env) {
  auto stats = env.SimCall("GET", "/_sim/stats");
  if (!stats.ok()) return -1;
  rapidjson::Document doc;
  doc.Parse(stats->second.c_str());
  return doc.IsObject() && doc.HasMember("requests") ? doc["requests"].GetInt64() : -1;
}

Result Run(const std::vector<std::string>& gateway_args) {
  auto env = testing::GatewayEnv::Start(
      {.sim_args = {"--default_ports=500", "--latency_ms=30"}, .gateway_args = gateway_args});
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.status().ToString().c_str());
    return {};
  }
  const int consumers = absl::GetFlag(FLAGS_consumers);
  const int hosts = absl::GetFlag(FLAGS_hosts);
  const absl::Time end = absl::Now() + absl::GetFlag(FLAGS_duration);
  std::atomic<long long> calls{0};
  std::atomic<long long> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < consumers; ++i) {
    threads.emplace_back([&, i] {
      auto stub = (*env)->NewStub();
      hss::ports::v1::ListPortsRequest request;
      request.set_host_id(absl::StrCat("poll-host-", i % hosts));
      request.set_limit(50);
      // Spread the consumers' phases over one interval.
      absl::SleepFor(absl::GetFlag(FLAGS_poll_interval) * i / consumers);
      while (absl::Now() < end) {
        grpc::ClientContext context;
        testing::GatewayEnv::Prepare(context, absl::Seconds(10));
        hss::ports::v1::ListPortsResponse response;
        ++calls;
        if (!stub->ListPorts(&context, request, &response).ok()) ++failed;
        absl::SleepFor(absl::GetFlag(FLAGS_poll_interval));
      }
    });
  }
  for (auto& t : threads) t.join();
  return {calls.load(), failed.load(), UpstreamRequests(**env)};
}

int Main() {
  std::printf("%d consumers polling %d hosts every %s for %s (upstream latency 30 ms)\n",
              absl::GetFlag(FLAGS_consumers), absl::GetFlag(FLAGS_hosts),
              absl::FormatDuration(absl::GetFlag(FLAGS_poll_interval)).c_str(),
              absl::FormatDuration(absl::GetFlag(FLAGS_duration)).c_str());
  std::printf("%-34s %10s %8s %10s %8s\n", "configuration", "calls", "failed", "upstream", "saved");
  int status = 0;
  for (const auto& [name, args] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"coalescing only", {"--log_calls=false"}},
           {"coalescing + cache (ttl 1s)", {"--log_calls=false", "--cache", "--cache_ttl=1s"}},
           {"coalescing + cache (ttl 5s)", {"--log_calls=false", "--cache", "--cache_ttl=5s"}}}) {
    Result r = Run(args);
    const double saved = r.calls > 0 ? 100.0 * static_cast<double>(r.calls - r.upstream) /
                                           static_cast<double>(r.calls)
                                     : 0;
    std::printf("%-34s %10lld %8lld %10lld %7.1f%%\n", name.c_str(), r.calls, r.failed, r.upstream,
                saved);
    if (r.failed != 0 || r.calls == 0) status = 1;
  }
  return status;
}

}  // namespace
}  // namespace hss::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hss::bench::Main();
}
