// End-to-end scale-out: three gateway replicas share one HSS quota through a
// real redis-server on loopback. The simulator allows 5 requests per 2 s per
// caller; the gateways are told 120 per minute with bursts of 1 (never more
// than 4 in any 2 s). Shared, the three replicas stay within the quota
// together; alone, each spends it in full and HSS answers 429. Redis killed
// mid-run: the replicas fall back to their share of the limits and calls keep
// succeeding; Redis back: shared again. Every loop is bounded in time.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/testing/redis_server_process.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using ::hss::gateway::testing::RedisServerProcess;
using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

constexpr int kReplicas = 3;
constexpr int kClients = 30;
constexpr int kHostPorts = 120;  // Three pages of 50 per walk.

// Requests the simulator answered with `status` ("429", "200"), -1 if unknown.
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

// What the clients saw.
struct Tally {
  absl::Mutex mu;
  int ok ABSL_GUARDED_BY(mu) = 0;
  int gateway_limited ABSL_GUARDED_BY(mu) = 0;
  int upstream_throttled ABSL_GUARDED_BY(mu) = 0;
  // Walks still paced when their own deadline passed (the caller's deadline).
  int walks_past_deadline ABSL_GUARDED_BY(mu) = 0;
  int walks_ok ABSL_GUARDED_BY(mu) = 0;
  int walks_wrong ABSL_GUARDED_BY(mu) = 0;
  std::vector<std::string> other ABSL_GUARDED_BY(mu);
  // How long the load ran (walks started near the end finish after it).
  double seconds ABSL_GUARDED_BY(mu) = 0;

  void Add(const grpc::Status& status, bool walk) {
    absl::MutexLock lock(&mu);
    if (status.ok()) {
      ++ok;
      return;
    }
    if (walk && status.error_code() == grpc::DEADLINE_EXCEEDED) {
      ++walks_past_deadline;
      return;
    }
    const DecodedError details = Decode(status);
    const std::string reason = details.error_info ? details.error_info->reason() : "";
    if (status.error_code() == grpc::RESOURCE_EXHAUSTED && reason == "GATEWAY_RATE_LIMITED") {
      ++gateway_limited;
    } else if (reason == "UPSTREAM_THROTTLED") {
      ++upstream_throttled;
    } else {
      other.push_back(absl::StrCat(status.error_code(), " ", reason, ": ", status.error_message()));
    }
  }
};

// `clients_count` clients spread over the replicas, for `duration`: even clients
// call ListPorts on hosts of their own, odd ones walk a host with StreamPorts.
void RunLoad(GatewayEnv& env, absl::Duration duration, Tally& tally, int clients_count = kClients) {
  const absl::Time start = absl::Now();
  const absl::Time end = start + duration;
  std::vector<std::thread> clients;
  for (int i = 0; i < clients_count; ++i) {
    clients.emplace_back([&env, &tally, end, i] {
      auto stub = env.NewStub(i % kReplicas);
      const std::string host = absl::StrCat("h", i % 10);
      while (absl::Now() < end) {
        grpc::ClientContext context;
        GatewayEnv::Prepare(context, absl::Seconds(i % 2 == 0 ? 3 : 8));
        grpc::Status status;
        if (i % 2 == 0) {
          ListPortsRequest request;
          request.set_host_id(host);
          request.set_limit(10);
          request.set_offset(i);  // No two clients ask the same page: nothing coalesces.
          ListPortsResponse response;
          status = stub->ListPorts(&context, request, &response);
        } else {
          StreamPortsRequest request;
          request.set_host_id(host);
          request.set_page_size(50);
          auto reader = stub->StreamPorts(&context, request);
          StreamPortsResponse page;
          long ports = 0;
          while (reader->Read(&page)) ports += page.ports_size();
          status = reader->Finish();
          if (status.ok()) {
            absl::MutexLock lock(&tally.mu);
            ++(ports == kHostPorts ? tally.walks_ok : tally.walks_wrong);
          }
        }
        tally.Add(status, /*walk=*/i % 2 == 1);
        if (!status.ok()) absl::SleepFor(absl::Seconds(1));  // As a RetryInfo-aware client would.
      }
    });
  }
  for (auto& client : clients) client.join();
  absl::MutexLock lock(&tally.mu);
  tally.seconds = absl::ToDoubleSeconds(absl::Now() - start);
}

class SharedStateE2E : public ::testing::Test {
 protected:
  // The replicas log in as the Redis ACL user the README gives an operator:
  // its keys and commands are all the gateway needs. (The default user stays
  // open for the tests' own look at the data.)
  void SetUp() override {
    auto redis =
        RedisServerProcess::Start({"--user", "hss-gateway", "on", ">gateway-pw", "~hss-gateway:*",
                                   "-@all", "+ping", "+select", "+eval", "+evalsha", "+script|load",
                                   "+get", "+set", "+del", "+pexpire", "+pttl", "+time"});
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }

  // --shared_state as the ACL user, with its password in the environment.
  void ShareThroughRedis(GatewayEnvOptions& options) const {
    options.gateway_args.push_back(
        absl::StrCat("--shared_state=redis://hss-gateway@127.0.0.1:", redis_->port()));
    options.gateway_env.push_back("HSS_REDIS_PASSWORD=gateway-pw");
  }

  absl::StatusOr<std::unique_ptr<GatewayEnv>> StartReplicas(bool shared) {
    std::string hosts = "--hosts=";
    for (int i = 0; i < 10; ++i) absl::StrAppend(&hosts, i ? "," : "", "h", i, ":", kHostPorts);
    GatewayEnvOptions options;
    options.sim_args = {hosts, "--quota_per_window=5", "--quota_window_ms=2000"};
    options.gateway_args = {"--rate_limit_per_identity=120", "--rate_limit_per_identity_burst=1",
                            "--retry_max_attempts=1", "--breaker_failure_threshold=0"};
    if (shared) {
      ShareThroughRedis(options);
      options.gateway_args.push_back(absl::StrCat("--expected_replicas=", kReplicas));
      // Generous for loaded sanitizer runs: a timeout here means local limits.
      options.gateway_args.push_back("--redis_command_timeout=500ms");
    }
    options.gateway_replicas = kReplicas;
    return GatewayEnv::Start(std::move(options));
  }

  // Three replicas sharing pages through Redis against a simulator whose
  // answers take 1 s (so that every call of a burst, even under a sanitizer,
  // arrives while the first call for its token is in flight), each replica
  // connected to Redis before the test goes on.
  absl::StatusOr<std::unique_ptr<GatewayEnv>> StartSharingReplicas(
      std::vector<std::string> sim_args, std::vector<std::string> gateway_args = {}) {
    GatewayEnvOptions options;
    options.sim_args = std::move(sim_args);
    options.gateway_args = std::move(gateway_args);
    ShareThroughRedis(options);
    options.gateway_args.push_back("--redis_command_timeout=500ms");
    options.gateway_replicas = kReplicas;
    auto env = GatewayEnv::Start(std::move(options));
    if (!env.ok()) return env;
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    for (int i = 0; i < kReplicas; ++i) {
      while (!absl::StrContains((*env)->gateway(i).ReadStderr(),
                                "shared by every replica through Redis")) {
        if (absl::Now() > give_up) {
          return absl::DeadlineExceededError(absl::StrCat("replica ", i, " never reached Redis"));
        }
        absl::SleepFor(absl::Milliseconds(20));
      }
    }
    (*env)->AddFault(R"({"times":-1,"latency_ms":1000})");
    return env;
  }

  std::unique_ptr<RedisServerProcess> redis_;
};

// `calls` identical ListPorts at once, spread over the replicas, with the
// passthrough token `token(i)` for call i; every status.
std::vector<grpc::Status> CallAtOnceOverReplicas(GatewayEnv& env, int calls,
                                                 std::string (*token)(int)) {
  struct One {
    grpc::ClientContext context;
    ListPortsResponse response;
    grpc::Status status;
  };
  std::vector<std::unique_ptr<hss::ports::v1::PortService::Stub>> stubs;
  for (int r = 0; r < kReplicas; ++r) stubs.push_back(env.NewStub(r));
  std::vector<std::unique_ptr<One>> all;
  absl::Mutex mu;
  int left = calls;
  ListPortsRequest request;
  request.set_host_id("h0");
  request.set_limit(50);
  for (int i = 0; i < calls; ++i) {
    all.push_back(std::make_unique<One>());
    all.back()->context.AddMetadata("x-auth-token", token(i));
    all.back()->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }
  for (int i = 0; i < calls; ++i) {
    One* one = all[i].get();
    stubs[i % kReplicas]->async()->ListPorts(&one->context, &request, &one->response,
                                             [&mu, &left, one](grpc::Status status) {
                                               absl::MutexLock lock(&mu);
                                               one->status = std::move(status);
                                               --left;
                                             });
  }
  {
    absl::MutexLock lock(&mu);
    mu.AwaitWithTimeout(absl::Condition(
                            +[](int* n) { return *n == 0; }, &left),
                        absl::Seconds(40));
  }
  std::vector<grpc::Status> out;
  absl::MutexLock lock(&mu);
  for (auto& one : all) out.push_back(one->status);
  return out;
}

TEST_F(SharedStateE2E, FiftyIdenticalCallsOverThreeReplicasMakeOneUpstreamRequest) {
  auto env = StartSharingReplicas({"--hosts=h0:100"});
  ASSERT_TRUE(env.ok()) << env.status();
  auto statuses =
      CallAtOnceOverReplicas(**env, 50, [](int) { return std::string(GatewayEnv::kToken); });
  for (const auto& status : statuses) EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ((*env)->SimRequests().size(), 1u);
}

TEST_F(SharedStateE2E, IdenticalCallsWithDifferentTokensMakeOneUpstreamRequestPerToken) {
  // This simulator takes any token, so a page shared across tokens would go unnoticed
  // but for the request count.
  auto env = StartSharingReplicas({"--hosts=h0:100", "--auth=none"});
  ASSERT_TRUE(env.ok()) << env.status();
  auto statuses = CallAtOnceOverReplicas(
      **env, 50, [](int i) { return absl::StrCat("tenant-", i % 2 == 0 ? "a" : "b", "-token"); });
  for (const auto& status : statuses) EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ((*env)->SimRequests().size(), 2u);
}

TEST_F(SharedStateE2E, ThePageCacheIsSharedByTheReplicas) {
  auto env = StartSharingReplicas({"--hosts=h0:100"}, {"--cache", "--cache_ttl=30s"});
  ASSERT_TRUE(env.ok()) << env.status();
  (*env)->ClearFaults();
  ListPortsRequest request;
  request.set_host_id("h0");
  request.set_limit(50);
  std::string first;
  for (int r = 0; r < kReplicas; ++r) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    ListPortsResponse response;
    ASSERT_TRUE((*env)->NewStub(r)->ListPorts(&context, request, &response).ok());
    if (r == 0) {
      first = response.SerializeAsString();
      // The entry reaches Redis just after the answer.
      const absl::Time give_up = absl::Now() + absl::Seconds(10);
      while (redis_->Run({"KEYS", "hss-gateway:v1:page:*"}).value_or("").empty() &&
             absl::Now() < give_up) {
        absl::SleepFor(absl::Milliseconds(5));
      }
    } else {
      EXPECT_EQ(response.SerializeAsString(), first) << "replica " << r;
    }
  }
  EXPECT_EQ((*env)->SimRequests().size(), 1u);
  // The key names say nothing about the caller or the query.
  const std::string keys = redis_->Run({"KEYS", "*"}).value_or("");
  EXPECT_EQ(keys.find(GatewayEnv::kToken), std::string::npos) << keys;
  EXPECT_EQ(keys.find("h0"), std::string::npos) << keys;
  EXPECT_EQ(keys.find(GatewayEnv::kProject), std::string::npos) << keys;
}

TEST_F(SharedStateE2E, ThreeReplicasHoldOneQuotaTogether) {
  auto env = StartReplicas(/*shared=*/true);
  ASSERT_TRUE(env.ok()) << env.status();
  Tally tally;
  RunLoad(**env, absl::Seconds(10), tally);
  absl::MutexLock lock(&tally.mu);
  const int throttled = SimAnswered(**env, "429");
  const int answered = SimAnswered(**env, "200");
  std::printf("shared: %d ok, %d held back by the gateway, %d walks ok; HSS answered %d, %d 429\n",
              tally.ok, tally.gateway_limited, tally.walks_ok, answered, throttled);
  EXPECT_EQ(throttled, 0) << "the replicas together overspent the quota";
  EXPECT_EQ(tally.upstream_throttled, 0);
  EXPECT_TRUE(tally.other.empty()) << absl::StrJoin(tally.other, "\n");
  EXPECT_GT(tally.ok, 0);
  EXPECT_EQ(tally.walks_wrong, 0);
  // 2 per second for all three together, plus the first slot.
  EXPECT_LE(answered, static_cast<int>(2 * tally.seconds) + 2);
}

TEST_F(SharedStateE2E, WithoutSharedStateTheReplicasOverspendTheQuota) {
  auto env = StartReplicas(/*shared=*/false);
  ASSERT_TRUE(env.ok()) << env.status();
  Tally tally;
  RunLoad(**env, absl::Seconds(10), tally);
  absl::MutexLock lock(&tally.mu);
  const int throttled = SimAnswered(**env, "429");
  std::printf(
      "alone: %d ok, %d held back by the gateway, %d HSS 429 seen by callers; HSS "
      "answered %d with 429\n",
      tally.ok, tally.gateway_limited, tally.upstream_throttled, throttled);
  EXPECT_GT(throttled, 0) << "three replicas limiting alone should spend 3x the quota";
  EXPECT_GT(tally.upstream_throttled, 0);
}

TEST_F(SharedStateE2E, ARedisOutageFallsBackToLocalSharesAndRecovers) {
  auto env = StartReplicas(/*shared=*/true);
  ASSERT_TRUE(env.ok()) << env.status();
  Tally tally;
  // A lighter load (6 clients): the slots a heavy load reserves seconds ahead
  // in Redis still start during the outage, on top of the local shares
  // (README, "Scaling out": consistency).
  std::thread load([&] { RunLoad(**env, absl::Seconds(12), tally, 6); });
  absl::SleepFor(absl::Seconds(3));
  redis_->Kill();
  const int throttled_before = SimAnswered(**env, "429");
  const int answered_before = SimAnswered(**env, "200");
  int ok_before;
  {
    absl::MutexLock lock(&tally.mu);
    ok_before = tally.ok;
  }
  absl::SleepFor(absl::Seconds(4));
  int ok_during;
  {
    absl::MutexLock lock(&tally.mu);
    ok_during = tally.ok - ok_before;
  }
  std::printf("outage: HSS answered %d with 200 and %d with 429 in the 4 s without Redis\n",
              SimAnswered(**env, "200") - answered_before,
              SimAnswered(**env, "429") - throttled_before);
  ASSERT_TRUE(redis_->Restart().ok());
  // Back to shared: the replicas' reservations reach Redis again.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  bool shared_again = false;
  while (!shared_again && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
    shared_again = !redis_->Run({"KEYS", "hss-gateway:v1:rl:*"}).value_or("").empty();
  }
  load.join();
  absl::MutexLock lock(&tally.mu);
  std::printf("outage: %d ok in 4 s without Redis; %d ok, %d held back, %d walks ok in all\n",
              ok_during, tally.ok, tally.gateway_limited, tally.walks_ok);
  EXPECT_GT(ok_during, 0) << "calls must keep succeeding under local limits";
  EXPECT_TRUE(shared_again) << "no reservation reached Redis within 5 s of its restart";
  EXPECT_TRUE(tally.other.empty()) << absl::StrJoin(tally.other, "\n");
  EXPECT_EQ(tally.walks_wrong, 0) << "walks across the outage lost or repeated ports";
  // Slots reserved in Redis before the outage still start on time, on top of
  // the local shares: HSS may throttle a few calls around the switch.
  std::printf("outage: HSS answered %d with 429\n", SimAnswered(**env, "429"));
}

}  // namespace
}  // namespace hss::testing
