// Scale-out: consumers polling through 3 gateway replicas, with the rate limits
// shared through a real redis-server on loopback and without, against one
// replica carrying the same load. The simulator enforces a per-caller quota
// like HSS's (but per 2 s, so that 20 s show it) and counts what reached it.
//
//   shared_state_bench [--consumers=100] [--hosts=10] [--duration=20s]
//                      [--poll_interval=200ms]
//
// Prints, per configuration: calls, calls held back by the gateway
// (GATEWAY_RATE_LIMITED), HSS 429s seen by callers, and the upstream requests
// and upstream 429s within the run. Goal: shared, the 3 replicas send within 5 % of what one
// replica sends, with 0 upstream 429s.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rapidjson/document.h"
#include "server/testing/redis_server_process.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

ABSL_FLAG(int, consumers, 100, "polling consumers per replica");
ABSL_FLAG(int, hosts, 10, "hosts polled (consumer i polls host i % hosts)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(20), "length of each configuration's run");
ABSL_FLAG(absl::Duration, poll_interval, absl::Milliseconds(200),
          "pause between a consumer's polls");

namespace hss::bench {
namespace {

// The simulator's quota per caller (HSS's is 5 per minute; this one is faster
// so that 20 s hold enough requests to compare) and the gateway limit that
// fits it: 20 per second, bursts of 1 (40 in any 2 s).
constexpr int kQuotaPerWindow = 50;
constexpr int kQuotaWindowMs = 2000;
constexpr int kLimitPerMinute = 1200;

struct Result {
  long long calls = 0;
  long long held_back = 0;
  long long throttled_seen = 0;
  long long other_failures = 0;
  long long upstream = 0;
  long long upstream_429 = 0;
};

long long SimStat(testing::GatewayEnv& env, const char* status) {
  auto stats = env.SimCall("GET", "/_sim/stats");
  if (!stats.ok()) return -1;
  rapidjson::Document doc;
  doc.Parse(stats->second.c_str());
  if (!doc.IsObject()) return -1;
  if (status == nullptr) return doc.HasMember("requests") ? doc["requests"].GetInt64() : -1;
  if (!doc.HasMember("by_status") || !doc["by_status"].HasMember(status)) return 0;
  return doc["by_status"][status].GetInt64();
}

Result Run(int replicas, const std::string& shared_state) {
  std::vector<std::string> gateway_args = {
      "--log_calls=false", absl::StrCat("--rate_limit_per_identity=", kLimitPerMinute),
      "--rate_limit_per_identity_burst=1"};
  if (!shared_state.empty()) {
    gateway_args.push_back(absl::StrCat("--shared_state=", shared_state));
    gateway_args.push_back(absl::StrCat("--expected_replicas=", replicas));
  }
  auto env =
      testing::GatewayEnv::Start({.sim_args = {"--default_ports=500", "--latency_ms=30",
                                               absl::StrCat("--quota_per_window=", kQuotaPerWindow),
                                               absl::StrCat("--quota_window_ms=", kQuotaWindowMs)},
                                  .gateway_args = gateway_args,
                                  .gateway_replicas = replicas});
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.status().ToString().c_str());
    return {};
  }
  // Three replicas carry three times the consumers; one replica carries them all.
  const int consumers = absl::GetFlag(FLAGS_consumers) * 3;
  const int hosts = absl::GetFlag(FLAGS_hosts);
  const absl::Duration interval = absl::GetFlag(FLAGS_poll_interval);
  const absl::Time end = absl::Now() + absl::GetFlag(FLAGS_duration);
  std::atomic<long long> calls{0}, held_back{0}, throttled{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < consumers; ++i) {
    threads.emplace_back([&, i] {
      auto stub = (*env)->NewStub(i % replicas);
      hss::ports::v1::ListPortsRequest request;
      request.set_host_id(absl::StrCat("poll-host-", i % hosts));
      request.set_limit(50);
      absl::SleepFor(interval * i / consumers);  // Spread the phases over one interval.
      while (absl::Now() < end) {
        grpc::ClientContext context;
        testing::GatewayEnv::Prepare(context, absl::Seconds(2));
        hss::ports::v1::ListPortsResponse response;
        ++calls;
        const grpc::Status status = stub->ListPorts(&context, request, &response);
        if (!status.ok()) {
          const auto details = testing::Decode(status);
          const std::string reason = details.error_info ? details.error_info->reason() : "";
          if (reason == "GATEWAY_RATE_LIMITED") {
            ++held_back;
          } else if (reason == "UPSTREAM_THROTTLED") {
            ++throttled;
          } else {
            ++other;
          }
        }
        absl::SleepFor(interval);
      }
    });
  }
  // Upstream requests within the run itself: calls still waiting for a slot
  // when it ends would otherwise add a tail that depends on the queue.
  absl::SleepFor(end - absl::Now());
  Result result;
  result.upstream = SimStat(**env, nullptr);
  result.upstream_429 = SimStat(**env, "429");
  for (auto& t : threads) t.join();
  result.calls = calls.load();
  result.held_back = held_back.load();
  result.throttled_seen = throttled.load();
  result.other_failures = other.load();
  return result;
}

int Main() {
  auto redis = gateway::testing::RedisServerProcess::Start();
  if (!redis.ok()) {
    std::fprintf(stderr, "%s\n", redis.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "%d consumers per replica polling %d hosts every %s for %s; quota %d per %d ms per "
      "caller, gateway limit %d/min\n",
      absl::GetFlag(FLAGS_consumers), absl::GetFlag(FLAGS_hosts),
      absl::FormatDuration(absl::GetFlag(FLAGS_poll_interval)).c_str(),
      absl::FormatDuration(absl::GetFlag(FLAGS_duration)).c_str(), kQuotaPerWindow, kQuotaWindowMs,
      kLimitPerMinute);
  std::printf("%-28s %8s %10s %10s %7s %9s %9s\n", "configuration", "calls", "held back",
              "429 seen", "other", "upstream", "up. 429");
  struct Config {
    const char* name;
    int replicas;
    bool shared;
  };
  long long single = 0, shared = 0, shared_429 = 0;
  for (const Config& config : {Config{"1 replica", 1, false}, Config{"3 replicas, shared", 3, true},
                               Config{"3 replicas, alone", 3, false}}) {
    const Result r = Run(config.replicas, config.shared ? (*redis)->url() : "");
    std::printf("%-28s %8lld %10lld %10lld %7lld %9lld %9lld\n", config.name, r.calls, r.held_back,
                r.throttled_seen, r.other_failures, r.upstream, r.upstream_429);
    if (config.replicas == 1) single = r.upstream;
    if (config.shared) {
      shared = r.upstream;
      shared_429 = r.upstream_429;
    }
  }
  const double ratio = single > 0 ? static_cast<double>(shared) / static_cast<double>(single) : 0;
  std::printf(
      "shared / single replica upstream requests: %.3f (goal 0.95-1.05); upstream 429s "
      "shared: %lld (goal 0)\n",
      ratio, shared_429);
  return ratio >= 0.95 && ratio <= 1.05 && shared_429 == 0 ? 0 : 1;
}

}  // namespace
}  // namespace hss::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return hss::bench::Main();
}
