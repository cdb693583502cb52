// End-to-end upstream protection: coalescing, quota pacing, retries, circuit
// breaker, Retry-After and the page cache, with the simulator's quota and faults.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "rapidjson/document.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

ListPortsRequest Request(const std::string& host_id) {
  ListPortsRequest r;
  r.set_host_id(host_id);
  r.set_limit(10);
  return r;
}

grpc::Status Call(GatewayEnv& env, const ListPortsRequest& request, absl::Duration timeout,
                  ListPortsResponse* response = nullptr,
                  const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
  grpc::ClientContext context;
  GatewayEnv::Prepare(context, timeout);
  for (const auto& [k, v] : metadata) context.AddMetadata(k, v);
  ListPortsResponse unused;
  return env.NewStub()->ListPorts(&context, request, response ? response : &unused);
}

// Runs `calls` ListPorts at once (async) and returns their statuses.
std::vector<grpc::Status> CallConcurrently(GatewayEnv& env, int calls,
                                           const ListPortsRequest& request,
                                           absl::Duration timeout) {
  auto stub = env.NewStub();
  struct One {
    grpc::ClientContext context;
    ListPortsResponse response;
    grpc::Status status;
  };
  std::vector<std::unique_ptr<One>> all;
  std::atomic<int> left{calls};
  absl::Notification done;
  for (int i = 0; i < calls; ++i) {
    all.push_back(std::make_unique<One>());
    GatewayEnv::Prepare(all.back()->context, timeout);
  }
  for (auto& one : all) {
    stub->async()->ListPorts(&one->context, &request, &one->response,
                             [&, o = one.get()](grpc::Status s) {
                               o->status = std::move(s);
                               if (--left == 0) done.Notify();
                             });
  }
  done.WaitForNotificationWithTimeout(timeout + absl::Seconds(30));
  std::vector<grpc::Status> out;
  for (auto& one : all) out.push_back(one->status);
  return out;
}

// Reads /_sim/stats: API requests answered with `status`.
int SimAnswered(GatewayEnv& env, const std::string& status) {
  auto stats = env.SimCall("GET", "/_sim/stats");
  if (!stats.ok()) return -1;
  rapidjson::Document doc;
  doc.Parse(stats->second.c_str());
  if (!doc.IsObject() || !doc.HasMember("by_status")) return -1;
  const auto& by = doc["by_status"];
  return by.HasMember(status.c_str()) && by[status.c_str()].IsInt() ? by[status.c_str()].GetInt()
                                                                    : 0;
}

TEST(ProtectionE2E, FiftyIdenticalConcurrentCallsMakeOneUpstreamRequest) {
  auto env = GatewayEnv::Start({.sim_args = {"--hosts=h:100"}});
  ASSERT_TRUE(env.ok()) << env.status();
  // The first answer takes a while, so every call arrives while it is in flight.
  (*env)->AddFault(R"({"times":1,"latency_ms":400})");
  auto statuses = CallConcurrently(**env, 50, Request("h"), absl::Seconds(10));
  for (const auto& s : statuses) EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ((*env)->SimRequests().size(), 1u);
}

TEST(ProtectionE2E, StreamsArePacedUnderTheUpstreamQuota) {
  // The simulator allows 5 requests per 2 s per caller; the gateway is told the same limit
  // (a token bucket of 2/s with burst 1 never exceeds 5 in any 2 s). 20 clients stream two
  // 2,000-port hosts (10 each): identical page requests are coalesced, the rest paced.
  auto env = GatewayEnv::Start(
      {.sim_args = {"--hosts=shared-0:2000,shared-1:2000", "--quota_per_window=5",
                    "--quota_window_ms=2000"},
       .gateway_args = {"--rate_limit_per_identity=120", "--rate_limit_per_identity_burst=1"}});
  ASSERT_TRUE(env.ok()) << env.status();
  constexpr int kClients = 20;
  std::vector<grpc::Status> statuses(kClients);
  std::vector<long long> ports(kClients, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      grpc::ClientContext context;
      GatewayEnv::Prepare(context, absl::Seconds(60));
      StreamPortsRequest request;
      request.set_host_id(absl::StrCat("shared-", i % 2));
      auto reader = (*env)->NewStub()->StreamPorts(&context, request);
      StreamPortsResponse m;
      while (reader->Read(&m)) ports[i] += m.ports_size();
      statuses[i] = reader->Finish();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kClients; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << i << ": " << statuses[i].error_message();
    EXPECT_EQ(ports[i], 2000) << i;
  }
  const int throttled = SimAnswered(**env, "429");
  std::printf("upstream requests %zu, answered 429: %d\n", (*env)->SimRequests().size(), throttled);
  EXPECT_LE(throttled, 3);
}

TEST(ProtectionE2E, TransientFailureBurstIsRetriedAway) {
  auto env = GatewayEnv::Start(
      {.sim_args = {"--hosts=h:100"},
       .gateway_args = {"--retry_max_attempts=10", "--retry_initial_backoff=5ms",
                        "--retry_max_backoff=50ms", "--breaker_failure_threshold=0"}});
  ASSERT_TRUE(env.ok()) << env.status();
  (*env)->AddFault(R"({"times":-1,"probability":0.3,"status":503,"error_code":"APIG.0201",
                       "error_msg":"busy"})");
  int ok = 0;
  std::vector<std::string> failures;
  for (int batch = 0; batch < 25; ++batch) {
    // 20 at a time, each a different query so that none is coalesced.
    std::vector<std::thread> threads;
    std::vector<grpc::Status> statuses(20);
    for (int i = 0; i < 20; ++i) {
      threads.emplace_back([&, i] {
        ListPortsRequest r = Request("h");
        r.set_offset(batch * 20 + i);
        statuses[i] = Call(**env, r, absl::Seconds(20));
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& s : statuses) {
      if (s.ok()) {
        ++ok;
      } else if (failures.size() < 3) {
        failures.push_back(absl::StrCat(s.error_code(), ": ", s.error_message()));
      }
    }
  }
  EXPECT_EQ(ok, 500) << "first failures:\n" << absl::StrJoin(failures, "\n");
  EXPECT_GT(SimAnswered(**env, "503"), 50);  // the burst really happened
}

TEST(ProtectionE2E, PersistentOutageOpensTheBreakerUntilItProbes) {
  auto env = GatewayEnv::Start(
      {.sim_args = {"--hosts=h:100"},
       .gateway_args = {"--retry_max_attempts=2", "--retry_initial_backoff=5ms",
                        "--breaker_failure_threshold=5", "--breaker_cool_down=1500ms"}});
  ASSERT_TRUE(env.ok()) << env.status();
  (*env)->AddFault(R"({"times":-1,"status":503,"error_code":"APIG.0201","error_msg":"down"})");
  // Each call fails within its deadline, and after 5 failed calls the breaker opens.
  for (int i = 0; i < 5; ++i) {
    const absl::Time start = absl::Now();
    grpc::Status s = Call(**env, Request("h"), absl::Seconds(2));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  }
  const size_t before = (*env)->SimRequests().size();
  grpc::Status open = Call(**env, Request("h"), absl::Seconds(2));
  EXPECT_EQ(open.error_code(), grpc::StatusCode::UNAVAILABLE);
  DecodedError details = Decode(open);
  ASSERT_TRUE(details.error_info.has_value());
  EXPECT_EQ(details.error_info->reason(), "UPSTREAM_CIRCUIT_OPEN");
  EXPECT_TRUE(details.retry_info.has_value());
  EXPECT_NE(open.error_message().find("breaker"), std::string::npos) << open.error_message();
  // While open: no upstream traffic at all.
  for (int i = 0; i < 10; ++i) (void)Call(**env, Request("h"), absl::Seconds(2));
  EXPECT_EQ((*env)->SimRequests().size(), before);
  // After the cool-down one probe goes through; the upstream is back, so it closes.
  (*env)->ClearFaults();
  absl::SleepFor(absl::Milliseconds(1600));
  EXPECT_TRUE(Call(**env, Request("h"), absl::Seconds(2)).ok());
  EXPECT_EQ((*env)->SimRequests().size(), before + 1);
}

TEST(ProtectionE2E, RetryAfterIsHonouredWhenTheDeadlineAllows) {
  auto env = GatewayEnv::Start({.sim_args = {"--hosts=h:100"}});
  ASSERT_TRUE(env.ok()) << env.status();
  (*env)->AddFault(R"({"times":1,"status":429,"error_code":"APIG.0308","error_msg":"throttled",
                       "retry_after":"1"})");
  absl::Time start = absl::Now();
  EXPECT_TRUE(Call(**env, Request("h"), absl::Seconds(5)).ok());
  EXPECT_GE(absl::Now() - start, absl::Seconds(1));

  // Retry-After beyond the caller's deadline: the gateway answers at once with
  // RetryInfo instead of waiting into the deadline (which would end it
  // DEADLINE_EXCEEDED).
  (*env)->AddFault(R"({"times":1,"status":429,"error_code":"APIG.0308","error_msg":"throttled",
                       "retry_after":"30"})");
  start = absl::Now();
  grpc::Status s = Call(**env, Request("h"), absl::Seconds(5));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  DecodedError details = Decode(s);
  ASSERT_TRUE(details.retry_info.has_value());
  EXPECT_EQ(details.retry_info->retry_delay().seconds(), 30);
}

TEST(ProtectionE2E, CacheServesRepeatsPerCallerAndCanBeBypassed) {
  auto env = GatewayEnv::Start({.sim_args = {"--hosts=h:100"}, .gateway_args = {"--cache"}});
  ASSERT_TRUE(env.ok()) << env.status();
  ListPortsResponse first;
  ListPortsResponse second;
  ASSERT_TRUE(Call(**env, Request("h"), absl::Seconds(5), &first).ok());
  ASSERT_TRUE(Call(**env, Request("h"), absl::Seconds(5), &second).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ((*env)->SimRequests().size(), 1u);
  // cache-control: no-cache goes to the upstream.
  ASSERT_TRUE(
      Call(**env, Request("h"), absl::Seconds(5), nullptr, {{"cache-control", "no-cache"}}).ok());
  EXPECT_EQ((*env)->SimRequests().size(), 2u);
  // Another caller's token never gets this caller's cached page: the simulator refuses its
  // token, so a cache hit would be a leak.
  grpc::ClientContext context;
  context.AddMetadata("x-auth-token", "someone-else");
  ListPortsResponse other;
  grpc::Status s = (*env)->NewStub()->ListPorts(&context, Request("h"), &other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace hss::testing
