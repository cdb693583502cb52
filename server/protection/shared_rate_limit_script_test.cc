#include "server/protection/shared_rate_limit_script.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/synchronization/notification.h"
#include "server/shared_state/redis_client.h"
#include "server/testing/redis_server_process.h"

namespace hss::gateway {
namespace {

using ::hss::gateway::testing::RedisServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;

// The script against a real Redis, with the clock given as an argument.
class SharedRateLimitScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServerProcess::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    RedisClientOptions options;
    options.endpoint.host = "127.0.0.1";
    options.endpoint.port = redis_->port();
    options.command_timeout = absl::Seconds(5);
    client_ = RedisClient::Start(options);
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (!client_->ready() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
    ASSERT_TRUE(client_->ready());
    auto sha = Call({"SCRIPT", "LOAD", kSharedRateLimitScript});
    ASSERT_TRUE(sha.ok() && !sha->is_error()) << sha.status();
    limit_sha_ = sha->str;
    auto cool = Call({"SCRIPT", "LOAD", kSharedCoolDownScript});
    ASSERT_TRUE(cool.ok() && !cool->is_error());
    cool_sha_ = cool->str;
    // What EVALSHA is given without asking Redis.
    ASSERT_EQ(limit_sha_, RedisScriptSha1(kSharedRateLimitScript));
    ASSERT_EQ(cool_sha_, RedisScriptSha1(kSharedCoolDownScript));
  }

  absl::StatusOr<RedisReply> Call(std::vector<std::string> argv) {
    absl::Notification done;
    absl::StatusOr<RedisReply> out;
    client_->Command(std::move(argv), [&](absl::StatusOr<RedisReply> reply) {
      out = std::move(reply);
      done.Notify();
    });
    done.WaitForNotification();
    return out;
  }

  // Reserves for `identity` at `now` (5 per minute, burst 5 each; 8 in total).
  SharedRateLimitDecision Reserve(absl::string_view identity, absl::Time now,
                                  absl::Duration max_wait = absl::Minutes(2)) {
    SharedRateLimitRequest request{
        .per_identity_per_minute = 5, .total_per_minute = 8, .max_wait = max_wait, .now = now};
    std::vector<std::string> argv = {"EVALSHA", limit_sha_};
    for (std::string& arg : SharedRateLimitArgs(SharedRateLimitKeysFor(identity), request)) {
      argv.push_back(std::move(arg));
    }
    auto reply = Call(std::move(argv));
    EXPECT_TRUE(reply.ok()) << reply.status();
    auto decision = ParseSharedRateLimitReply(*reply);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return *decision;
  }

  const absl::Time t0_ = absl::FromUnixSeconds(1'800'000'000);
  std::unique_ptr<RedisServerProcess> redis_;
  std::unique_ptr<RedisClient> client_;
  std::string limit_sha_, cool_sha_;
};

TEST_F(SharedRateLimitScriptTest, ABurstGoesAtOnceThenOneSlotPerInterval) {
  for (int i = 0; i < 5; ++i) {
    const SharedRateLimitDecision d = Reserve("user-a", t0_);
    EXPECT_TRUE(d.granted);
    EXPECT_EQ(d.wait, absl::ZeroDuration()) << i;
  }
  // The 6th and 7th wait one and two intervals (12 s each at 5 per minute).
  SharedRateLimitDecision sixth = Reserve("user-a", t0_);
  EXPECT_TRUE(sixth.granted);
  EXPECT_EQ(sixth.wait, absl::Seconds(12));
  EXPECT_EQ(sixth.limit, "perIdentity");
  EXPECT_EQ(Reserve("user-a", t0_).wait, absl::Seconds(24));
  // 30 s later the 8th is 6 s away (its slot is at t0 + 36 s).
  EXPECT_EQ(Reserve("user-a", t0_ + absl::Seconds(30)).wait, absl::Seconds(6));
}

TEST_F(SharedRateLimitScriptTest, ARefusalReservesNothing) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Reserve("user-a", t0_).granted);
  for (int i = 0; i < 3; ++i) {
    const SharedRateLimitDecision refused = Reserve("user-a", t0_, absl::Seconds(1));
    EXPECT_FALSE(refused.granted);
    EXPECT_EQ(refused.wait, absl::Seconds(12)) << "refusals must not push the slot later";
    EXPECT_EQ(refused.limit, "perIdentity");
  }
  EXPECT_TRUE(Reserve("user-a", t0_ + absl::Seconds(12), absl::ZeroDuration()).granted);
}

TEST_F(SharedRateLimitScriptTest, TheTotalLimitSpansIdentities) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Reserve("user-a", t0_).granted);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Reserve("user-b", t0_).wait, absl::ZeroDuration());
  // 8 calls in total: user-b's 4th waits for the total bucket (60 s / 8).
  const SharedRateLimitDecision d = Reserve("user-b", t0_);
  EXPECT_EQ(d.limit, "total");
  EXPECT_EQ(d.wait, absl::Microseconds(7'500'000));
}

TEST_F(SharedRateLimitScriptTest, ACoolDownHoldsEveryCallOfTheIdentity) {
  std::vector<std::string> argv = {"EVALSHA", cool_sha_};
  for (std::string& arg :
       SharedCoolDownArgs(SharedRateLimitKeysFor("user-a"), absl::Seconds(30), t0_)) {
    argv.push_back(std::move(arg));
  }
  ASSERT_TRUE(Call(std::move(argv)).ok());
  const SharedRateLimitDecision d = Reserve("user-a", t0_ + absl::Seconds(10));
  EXPECT_EQ(d.limit, "coolDown");
  EXPECT_EQ(d.wait, absl::Seconds(20));
  EXPECT_EQ(Reserve("user-b", t0_ + absl::Seconds(10)).wait, absl::ZeroDuration());
}

TEST_F(SharedRateLimitScriptTest, KeysExpireAndNameNoIdentity) {
  ASSERT_TRUE(Reserve("token:secret-ish-identity", t0_).granted);
  auto keys = redis_->Run({"KEYS", "*"});
  ASSERT_TRUE(keys.ok());
  EXPECT_THAT(*keys, HasSubstr("hss-gateway:v1:rl:id:"));
  EXPECT_THAT(*keys, Not(HasSubstr("secret")));
  const SharedRateLimitKeys names = SharedRateLimitKeysFor("token:secret-ish-identity");
  for (const std::string& key : {names.identity_bucket, names.total_bucket}) {
    auto ttl = redis_->Run({"PTTL", key});
    ASSERT_TRUE(ttl.ok());
    long long ms = 0;
    ASSERT_TRUE(absl::SimpleAtoi(*ttl, &ms)) << *ttl;
    // One interval (12 s, or 7.5 s for the total) plus a second, never forever (-1).
    EXPECT_GT(ms, 0) << key;
    EXPECT_LE(ms, 13'000) << key;
  }
}

TEST_F(SharedRateLimitScriptTest, WithoutAnInjectedClockItReadsRedisTime) {
  SharedRateLimitRequest request{.per_identity_per_minute = 5, .max_wait = absl::Minutes(2)};
  std::vector<std::string> argv = {"EVALSHA", limit_sha_};
  for (std::string& arg : SharedRateLimitArgs(SharedRateLimitKeysFor("user-c"), request)) {
    argv.push_back(std::move(arg));
  }
  auto reply = Call(argv);
  ASSERT_TRUE(reply.ok());
  auto decision = ParseSharedRateLimitReply(*reply);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_TRUE(decision->granted);
  EXPECT_EQ(decision->wait, absl::ZeroDuration());
}

}  // namespace
}  // namespace hss::gateway
