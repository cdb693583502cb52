#include "server/protection/shared_page_script.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "server/protection/shared_rate_limit_script.h"
#include "server/shared_state/redis_client.h"
#include "server/testing/redis_server_process.h"

namespace hss::gateway {
namespace {

using ::hss::gateway::testing::RedisServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;
using Outcome = SharedPageClaim::Outcome;

constexpr absl::string_view kCallKey =
    "11:token:abc12|e3b0c4|/v5/secret-project/asset/ports?host_id=private-host&limit=50";

// The three scripts against a real Redis.
class SharedPageScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServerProcess::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    RedisClientOptions options;
    options.endpoint.host = "127.0.0.1";
    options.endpoint.port = redis_->port();
    options.command_timeout = absl::Seconds(5);
    options.on_connect = SharedPageScriptLoads();
    client_ = RedisClient::Start(options);
    const absl::Time give_up = absl::Now() + absl::Seconds(20);
    while (!client_->ready() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
    ASSERT_TRUE(client_->ready());
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

  absl::StatusOr<RedisReply> Script(const char* source, std::vector<std::string> args) {
    std::vector<std::string> argv = {"EVALSHA", RedisScriptSha1(source)};
    argv.insert(argv.end(), args.begin(), args.end());
    return Call(std::move(argv));
  }

  SharedPageClaim Claim(absl::string_view flight, absl::string_view awaited = "",
                        bool look_up_page = true, absl::Duration lease = absl::Seconds(2)) {
    auto reply = Script(kSharedPageClaimScript,
                        SharedPageClaimArgs(keys_, flight, lease, awaited, look_up_page));
    EXPECT_TRUE(reply.ok()) << reply.status();
    auto claim = ParseSharedPageClaimReply(*reply);
    EXPECT_TRUE(claim.ok()) << claim.status();
    return claim.value_or(SharedPageClaim{});
  }

  void Publish(absl::string_view flight, absl::string_view payload,
               absl::Duration page_ttl = absl::ZeroDuration()) {
    auto reply = Script(kSharedPagePublishScript,
                        SharedPagePublishArgs(keys_, flight, payload, page_ttl, absl::Seconds(5)));
    ASSERT_TRUE(reply.ok() && !reply->is_error()) << (reply.ok() ? reply->str : "");
  }

  long long Pttl(const std::string& key) {
    long long ms = -3;
    EXPECT_TRUE(absl::SimpleAtoi(redis_->Run({"PTTL", key}).value_or("x"), &ms));
    return ms;
  }

  std::unique_ptr<RedisServerProcess> redis_;
  std::unique_ptr<RedisClient> client_;
  const SharedPageKeys keys_ = SharedPageKeysFor(kCallKey);
};

TEST_F(SharedPageScriptTest, TheFirstClaimLeadsAndTheNextOnesAreToldWhomToWaitFor) {
  EXPECT_EQ(Claim("a-1").outcome, Outcome::kLead);
  const SharedPageClaim second = Claim("b-1");
  EXPECT_EQ(second.outcome, Outcome::kWait);
  EXPECT_EQ(second.holder, "a-1");
  const long long lease = Pttl(keys_.lease);
  EXPECT_GT(lease, 0);
  EXPECT_LE(lease, 2000);
}

TEST_F(SharedPageScriptTest, APublishedResultReachesItsWaitersAndReleasesTheLease) {
  ASSERT_EQ(Claim("a-1").outcome, Outcome::kLead);
  ASSERT_EQ(Claim("b-1").outcome, Outcome::kWait);
  // Still fetching: the waiter keeps waiting.
  EXPECT_EQ(Claim("b-1", "a-1").outcome, Outcome::kWait);
  Publish("a-1", "the page");
  const SharedPageClaim waiter = Claim("b-1", "a-1");
  EXPECT_EQ(waiter.outcome, Outcome::kFlightResult);
  EXPECT_EQ(waiter.bytes, "the page");
  // Without the cache, a call that starts now does not get that result: it
  // leads a flight of its own.
  EXPECT_EQ(Claim("c-1", "", /*look_up_page=*/true).outcome, Outcome::kLead);
  EXPECT_EQ(redis_->Run({"EXISTS", keys_.page}).value_or(""), "0");
}

TEST_F(SharedPageScriptTest, ACachedPageIsFoundWithTheTimeItHasLeft) {
  ASSERT_EQ(Claim("a-1").outcome, Outcome::kLead);
  Publish("a-1", "the page", absl::Seconds(30));
  const SharedPageClaim hit = Claim("b-1");
  EXPECT_EQ(hit.outcome, Outcome::kCachedPage);
  EXPECT_EQ(hit.bytes, "the page");
  EXPECT_GT(hit.ttl_left, absl::Seconds(29));
  EXPECT_LE(hit.ttl_left, absl::Seconds(30));
  // A caller who bypasses the cache does not look it up.
  EXPECT_EQ(Claim("c-1", "", /*look_up_page=*/false).outcome, Outcome::kLead);
}

TEST_F(SharedPageScriptTest, TheLeaseOfAHolderThatDiedExpiresAndIsTakenOver) {
  ASSERT_EQ(Claim("a-1", "", true, absl::Milliseconds(100)).outcome, Outcome::kLead);
  ASSERT_EQ(Claim("b-1").outcome, Outcome::kWait);
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_EQ(Claim("b-1", "a-1").outcome, Outcome::kLead);
  // The former holder's late result neither reaches b's waiters as b's nor
  // releases b's lease.
  Publish("a-1", "late");
  EXPECT_EQ(redis_->Run({"GET", keys_.lease}).value_or(""), "b-1");
  const SharedPageClaim c = Claim("c-1", "b-1");
  EXPECT_EQ(c.outcome, Outcome::kWait);
  EXPECT_EQ(c.holder, "b-1");
}

TEST_F(SharedPageScriptTest, OnlyTheHolderRenewsItsLease) {
  ASSERT_EQ(Claim("a-1", "", true, absl::Milliseconds(300)).outcome, Outcome::kLead);
  auto stranger =
      Script(kSharedPageRenewScript, SharedPageRenewArgs(keys_, "b-1", absl::Seconds(10)));
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(stranger->integer, 0);
  EXPECT_LE(Pttl(keys_.lease), 300);
  auto holder =
      Script(kSharedPageRenewScript, SharedPageRenewArgs(keys_, "a-1", absl::Seconds(10)));
  ASSERT_TRUE(holder.ok());
  EXPECT_EQ(holder->integer, 1);
  EXPECT_GT(Pttl(keys_.lease), 9000);
}

TEST_F(SharedPageScriptTest, KeysHoldNoCallerInputShareOneSlotAndAllExpire) {
  for (const std::string& key : {keys_.page, keys_.lease, keys_.result}) {
    EXPECT_THAT(key, Not(HasSubstr("abc12")));
    EXPECT_THAT(key, Not(HasSubstr("secret")));
    EXPECT_THAT(key, Not(HasSubstr("private")));
    EXPECT_THAT(key, HasSubstr("hss-gateway:v1:"));
  }
  const auto tag = [](const std::string& key) { return key.substr(key.find('{')); };
  EXPECT_EQ(tag(keys_.page), tag(keys_.lease));
  EXPECT_EQ(tag(keys_.page), tag(keys_.result));
  EXPECT_NE(tag(SharedPageKeysFor("another call").page), tag(keys_.page));
  ASSERT_EQ(Claim("a-1").outcome, Outcome::kLead);
  Publish("a-1", "the page", absl::Seconds(30));
  EXPECT_GT(Pttl(keys_.page), 0);
  EXPECT_GT(Pttl(keys_.result), 0);
  EXPECT_EQ(Pttl(keys_.lease), -2);  // released
  // Nothing else was written, and nothing lives forever.
  const std::string all = redis_->Run({"KEYS", "*"}).value_or("");
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 1) << all;
}

TEST_F(SharedPageScriptTest, RepliesThatAreNotAClaimAreErrors) {
  RedisReply error;
  error.type = RedisReply::Type::kError;
  error.str = "NOSCRIPT No matching script";
  EXPECT_EQ(ParseSharedPageClaimReply(error).status().code(), absl::StatusCode::kUnavailable);
  RedisReply odd;
  odd.type = RedisReply::Type::kArray;
  odd.elements.resize(1);
  odd.elements[0].type = RedisReply::Type::kString;
  odd.elements[0].str = "page";  // without its bytes and TTL
  EXPECT_EQ(ParseSharedPageClaimReply(odd).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hss::gateway
