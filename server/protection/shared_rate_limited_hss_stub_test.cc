#include "server/protection/shared_rate_limited_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "server/protection/rate_limited_hss_stub.h"
#include "server/protection/shared_rate_limit_script.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"
#include "server/testing/fake_scheduler.h"
#include "server/testing/redis_server_process.h"

namespace hss::gateway {
namespace {

using ::hss::gateway::testing::RedisServerProcess;
using ::testing::HasSubstr;

// Bound of every wait for something that must happen (generous: sanitizers).
constexpr absl::Duration kPatience = absl::Seconds(20);

// 6 calls per minute (one each 10 s), bursts of 2, per identity.
RateLimiterOptions SixPerMinute() {
  RateLimiterOptions limits;
  limits.per_identity_per_minute = 6;
  limits.per_identity_burst = 2;
  return limits;
}

std::string RateLimitOf(const absl::Status& status) {
  auto info = GetErrorInfo(status);
  if (!info) return "";
  auto it = info->metadata().find("rateLimit");
  return it == info->metadata().end() ? "" : it->second;
}

absl::Duration RetryDelay(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info) return absl::ZeroDuration();
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

// One gateway replica: its own Redis client, fallback limiter and stub, on a
// clock shared with the other replicas of the test (the fake scheduler's,
// which the script reads instead of Redis TIME).
struct Replica {
  // As the gateway does at exit: reply callbacks hold the stub, which holds
  // the client, so the client is stopped before its owner lets go of it.
  ~Replica() { redis->Shutdown(); }
  std::shared_ptr<RedisClient> redis;
  std::shared_ptr<UpstreamMetrics> metrics = std::make_shared<UpstreamMetrics>();
  std::unique_ptr<SharedRateLimitedHssStub> stub;
};

class SharedRateLimitedHssStubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServerProcess::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    context_.upstream_identity = "token:abc";
  }

  std::unique_ptr<Replica> MakeReplica(RateLimiterOptions limits, int expected_replicas = 2,
                                       absl::Duration command_timeout = absl::Seconds(5)) {
    auto replica = std::make_unique<Replica>();
    RedisClientOptions options;
    options.endpoint.host = "127.0.0.1";
    options.endpoint.port = redis_->port();
    options.command_timeout = command_timeout;
    options.connect_timeout = absl::Seconds(2);
    options.reconnect_max_backoff = absl::Milliseconds(200);
    options.on_connect = SharedRateLimitScriptLoads();
    replica->redis = RedisClient::Start(options);
    auto fallback = std::make_shared<RateLimitedHssStub>(
        inner_, LocalShareOfLimits(limits, expected_replicas), scheduler_, replica->metrics);
    replica->stub = std::make_unique<SharedRateLimitedHssStub>(
        inner_, SharedRateLimitOptions{.limits = limits, .clock_from_scheduler = true},
        std::move(fallback), replica->redis, scheduler_, replica->metrics);
    return replica;
  }

  static bool WaitReady(const RedisClient& client, bool ready = true) {
    const absl::Time give_up = absl::Now() + kPatience;
    while (client.ready() != ready && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(2));
    return client.ready() == ready;
  }

  // Starts a call and lets Redis decide: waits (in real time) until the
  // decision answered the call, reached HSS or scheduled a wait, then runs
  // what is due now. A decision may answer on the Redis client's thread: the
  // outcome is written and first read under `outcome_mu_`, so that the test's
  // later reads come after the write.
  Outcome Decide(Replica& replica, const CallContext& context) {
    const std::size_t timers = scheduler_->pending_timers();
    const int calls = inner_->calls();
    auto out = std::make_shared<std::optional<absl::StatusOr<PortsPage>>>();
    replica.stub->AsyncListPorts(context, "proj", TestRequest(),
                                 [this, out](absl::StatusOr<PortsPage> result) {
                                   absl::MutexLock lock(&outcome_mu_);
                                   *out = std::move(result);
                                 });
    const absl::Time give_up = absl::Now() + kPatience;
    const auto answered = [&] {
      absl::MutexLock lock(&outcome_mu_);
      return out->has_value();
    };
    while (!answered() && scheduler_->pending_timers() == timers && inner_->calls() == calls &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    // A scripted HSS answers inside the call, on the thread that made it.
    while (inner_->calls() != calls && inner_->pending() == 0 && !answered() &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    scheduler_->RunDue();
    answered();
    return out;
  }

  absl::Mutex outcome_mu_;

  std::unique_ptr<RedisServerProcess> redis_;
  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  CallContext context_;
};

TEST_F(SharedRateLimitedHssStubTest, ReplicasDrawFromOneBudget) {
  auto a = MakeReplica(SixPerMinute());
  auto b = MakeReplica(SixPerMinute());
  ASSERT_TRUE(WaitReady(*a->redis) && WaitReady(*b->redis));
  inner_->Script(TestPage(1), 4);
  Outcome first = Decide(*a, context_);
  Outcome second = Decide(*b, context_);
  ASSERT_TRUE(first->has_value() && second->has_value());
  EXPECT_TRUE((*first)->ok() && (*second)->ok());
  EXPECT_EQ(inner_->calls(), 2);
  // The burst of 2 is spent by the two replicas together: the third call,
  // on either, waits for the next slot in 10 s.
  Outcome third = Decide(*a, context_);
  EXPECT_FALSE(third->has_value());
  EXPECT_EQ(inner_->calls(), 2);
  EXPECT_EQ(a->metrics->rate_limit_waits.load(), 1);
  scheduler_->AdvanceBy(absl::Seconds(9));
  EXPECT_EQ(inner_->calls(), 2);
  scheduler_->AdvanceBy(absl::Seconds(1));
  EXPECT_EQ(inner_->calls(), 3);
  ASSERT_TRUE(third->has_value());
  EXPECT_TRUE((*third)->ok());
  EXPECT_EQ(a->metrics->upstream_requests.load() + b->metrics->upstream_requests.load(), 3);
  EXPECT_EQ(a->metrics->shared_rate_limit_fallbacks.load(), 0);
}

TEST_F(SharedRateLimitedHssStubTest, ASlotPastTheDeadlineIsRefusedWithoutCallingHss) {
  auto a = MakeReplica(SixPerMinute());
  ASSERT_TRUE(WaitReady(*a->redis));
  inner_->Script(TestPage(1), 3);
  Decide(*a, context_);
  Decide(*a, context_);
  CallContext hurried = context_;
  hurried.deadline = scheduler_->Now() + absl::Seconds(5);
  Outcome refused = Decide(*a, hurried);
  ASSERT_TRUE(refused->has_value());
  const absl::Status& status = (*refused).value().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetErrorInfo(status)->reason(), kReasonGatewayRateLimited);
  EXPECT_EQ(RateLimitOf(status), "perIdentity");
  EXPECT_EQ(RetryDelay(status), absl::Seconds(10));
  EXPECT_THAT(status.message(), HasSubstr("shared by every gateway replica"));
  EXPECT_THAT(status.message(), HasSubstr("IAM token"));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("abc")));
  EXPECT_EQ(inner_->calls(), 2);
  EXPECT_EQ(a->metrics->rate_limited_rejections.load(), 1);
  // The refusal reserved nothing: the next slot is still 10 s away.
  Outcome patient = Decide(*a, context_);
  EXPECT_FALSE(patient->has_value());
  scheduler_->AdvanceBy(absl::Seconds(10));
  EXPECT_TRUE(patient->has_value());
}

TEST_F(SharedRateLimitedHssStubTest, AnHss429HoldsTheIdentityOnEveryReplica) {
  RateLimiterOptions generous;
  generous.per_identity_per_minute = 600;
  auto a = MakeReplica(generous);
  auto b = MakeReplica(generous);
  ASSERT_TRUE(WaitReady(*a->redis) && WaitReady(*b->redis));
  inner_->Script(Throttled("7"));
  Outcome throttled = Decide(*a, context_);
  ASSERT_TRUE(throttled->has_value());
  EXPECT_EQ((*throttled).value().status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(a->metrics->shared_cool_downs.load(), 1);
  // The cool-down write is asynchronous; the other replica sees it once it landed.
  const absl::Time give_up = absl::Now() + kPatience;
  while (redis_->Run({"KEYS", "hss-gateway:v1:cool:*"}).value_or("").empty() &&
         absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  CallContext hurried = context_;
  hurried.deadline = scheduler_->Now() + absl::Seconds(3);
  Outcome held = Decide(*b, hurried);
  ASSERT_TRUE(held->has_value());
  EXPECT_EQ(RateLimitOf((*held).value().status()), "coolDown");
  EXPECT_EQ(RetryDelay((*held).value().status()), absl::Seconds(7));
  EXPECT_THAT((*held).value().status().message(), HasSubstr("HSS throttled this IAM token"));
  // Another identity is not held.
  CallContext other = context_;
  other.upstream_identity = "token:other";
  inner_->Script(TestPage(1));
  Outcome free = Decide(*b, other);
  ASSERT_TRUE(free->has_value());
  EXPECT_TRUE((*free)->ok());
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(SharedRateLimitedHssStubTest, WithoutRedisTheReplicasShareOfTheLimitsApplies) {
  redis_->Kill();
  RateLimiterOptions limits;
  limits.per_identity_per_minute = 6;
  limits.per_identity_burst = 3;
  auto a = MakeReplica(limits, /*expected_replicas=*/3);  // Local share: 2/min, burst 1.
  inner_->Script(TestPage(1), 2);
  Outcome first = StartCall(*a->stub, context_, TestRequest());
  ASSERT_TRUE(first->has_value()) << "without Redis a call is decided at once, locally";
  EXPECT_TRUE((*first)->ok());
  Outcome second = StartCall(*a->stub, context_, TestRequest());
  EXPECT_FALSE(second->has_value());
  scheduler_->AdvanceBy(absl::Seconds(29));
  EXPECT_FALSE(second->has_value());
  scheduler_->AdvanceBy(absl::Seconds(1));
  ASSERT_TRUE(second->has_value());
  EXPECT_TRUE((*second)->ok());
  EXPECT_EQ(a->metrics->shared_rate_limit_fallbacks.load(), 2);
  EXPECT_EQ(a->metrics->upstream_requests.load(), 2);
}

TEST_F(SharedRateLimitedHssStubTest, ASilentRedisCostsACallNoMoreThanTheCommandTimeout) {
  auto a = MakeReplica(SixPerMinute(), 2, absl::Milliseconds(100));
  ASSERT_TRUE(WaitReady(*a->redis));
  redis_->Pause();
  inner_->Script(TestPage(1));
  const absl::Time start = absl::Now();
  Outcome out = Decide(*a, context_);
  ASSERT_TRUE(out->has_value());
  EXPECT_TRUE((*out)->ok());
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(100));
  EXPECT_EQ(a->metrics->shared_rate_limit_fallbacks.load(), 1);
  redis_->Resume();
}

TEST_F(SharedRateLimitedHssStubTest, AScriptRedisLostIsSentAgainInFull) {
  auto a = MakeReplica(SixPerMinute());
  ASSERT_TRUE(WaitReady(*a->redis));
  ASSERT_TRUE(redis_->Run({"SCRIPT", "FLUSH"}).ok());
  inner_->Script(TestPage(1));
  Outcome out = Decide(*a, context_);
  ASSERT_TRUE(out->has_value());
  EXPECT_TRUE((*out)->ok());
  EXPECT_EQ(a->metrics->shared_rate_limit_fallbacks.load(), 0);
  // Redis keeps what EVAL ran: the bucket now holds one reservation.
  EXPECT_FALSE(redis_->Run({"KEYS", "hss-gateway:v1:rl:id:*"}).value_or("").empty());
}

TEST_F(SharedRateLimitedHssStubTest, ACallerWhoCancelsWhileWaitingNeverReachesHss) {
  auto a = MakeReplica(SixPerMinute());
  ASSERT_TRUE(WaitReady(*a->redis));
  inner_->Script(TestPage(1), 2);
  Decide(*a, context_);
  Decide(*a, context_);
  CallContext waiting = context_;
  waiting.cancellation = std::make_shared<Cancellation>();
  Outcome out = Decide(*a, waiting);
  ASSERT_FALSE(out->has_value());
  waiting.cancellation->Cancel();
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out).value().status().code(), absl::StatusCode::kCancelled);
  scheduler_->AdvanceBy(absl::Minutes(1));
  EXPECT_EQ(inner_->calls(), 2);
}

TEST(LocalShareOfLimitsTest, DividesEachLimitRoundingDownToAtLeastOne) {
  RateLimiterOptions limits = HuaweiCloudHssLimits();  // 5/min burst 5, 600/min burst 600.
  RateLimiterOptions share = LocalShareOfLimits(limits, 3);
  EXPECT_EQ(share.per_identity_per_minute, 1);
  EXPECT_EQ(share.per_identity_burst, 1);
  EXPECT_EQ(share.total_per_minute, 200);
  EXPECT_EQ(share.total_burst, 200);
  EXPECT_EQ(LocalShareOfLimits(limits, 1).per_identity_per_minute, 5);
  EXPECT_EQ(LocalShareOfLimits(limits, 10).per_identity_per_minute, 1);
  EXPECT_EQ(LocalShareOfLimits(RateLimiterOptions(), 3).total_per_minute, 0);  // Off stays off.
}

}  // namespace
}  // namespace hss::gateway
