#include "server/shared_state/redis_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "server/testing/redis_server_process.h"

namespace hss::gateway {
namespace {

using ::hss::gateway::testing::RedisServerProcess;
using ::testing::HasSubstr;

// Bound of every wait for something that must happen (generous: sanitizers).
constexpr absl::Duration kPatience = absl::Seconds(20);

RedisClientOptions OptionsFor(const RedisServerProcess& redis) {
  RedisClientOptions options;
  options.endpoint.host = "127.0.0.1";
  options.endpoint.port = redis.port();
  // Tight enough for the timeout tests, loose enough for a loaded sanitizer run.
  options.command_timeout = absl::Milliseconds(200);
  options.connect_timeout = absl::Seconds(2);
  options.reconnect_max_backoff = absl::Milliseconds(200);
  return options;
}

// Sends `argv` and waits for its outcome; `ran_inline` tells whether the
// callback ran before Command() returned.
absl::StatusOr<RedisReply> Call(RedisClient& client, std::vector<std::string> argv,
                                bool* ran_inline = nullptr) {
  // The outcome crosses threads as plain values: an absl::Status shares its
  // payload by a reference count that Debian's uninstrumented Abseil updates
  // out of ThreadSanitizer's sight.
  struct Outcome {
    absl::Notification done;
    absl::StatusCode code = absl::StatusCode::kUnknown;
    std::string message = "no answer";
    RedisReply reply;
  };
  auto outcome = std::make_shared<Outcome>();
  client.Command(std::move(argv), [outcome](absl::StatusOr<RedisReply> reply) {
    outcome->code = reply.status().code();
    outcome->message = std::string(reply.status().message());
    if (reply.ok()) outcome->reply = *std::move(reply);
    outcome->done.Notify();
  });
  if (ran_inline != nullptr) *ran_inline = outcome->done.HasBeenNotified();
  if (!outcome->done.WaitForNotificationWithTimeout(kPatience)) {
    return absl::InternalError("the callback never ran");
  }
  if (outcome->code != absl::StatusCode::kOk) return absl::Status(outcome->code, outcome->message);
  return outcome->reply;
}

bool WaitReady(const RedisClient& client, bool ready = true) {
  const absl::Time give_up = absl::Now() + kPatience;
  while (client.ready() != ready && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  return client.ready() == ready;
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServerProcess::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }

  std::unique_ptr<RedisServerProcess> redis_;
};

TEST_F(RedisClientTest, CommandsGetTheirRepliesOfEveryType) {
  auto client = RedisClient::Start(OptionsFor(*redis_));
  ASSERT_TRUE(WaitReady(*client));
  auto set = Call(*client, {"SET", "k", std::string("a\0b", 3)});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->type, RedisReply::Type::kStatus);
  EXPECT_EQ(set->str, "OK");
  auto get = Call(*client, {"GET", "k"});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->type, RedisReply::Type::kString);
  EXPECT_EQ(get->str, std::string("a\0b", 3));  // Binary-safe both ways.
  auto missing = Call(*client, {"GET", "missing"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->type, RedisReply::Type::kNil);
  auto incr = Call(*client, {"INCRBY", "n", "41"});
  ASSERT_TRUE(incr.ok());
  EXPECT_EQ(incr->type, RedisReply::Type::kInteger);
  EXPECT_EQ(incr->integer, 41);
  ASSERT_TRUE(Call(*client, {"RPUSH", "list", "x", "y"}).ok());
  auto range = Call(*client, {"LRANGE", "list", "0", "-1"});
  ASSERT_TRUE(range.ok());
  ASSERT_EQ(range->type, RedisReply::Type::kArray);
  ASSERT_EQ(range->elements.size(), 2u);
  EXPECT_EQ(range->elements[1].str, "y");
  // An error answer is a reply, for the caller to read.
  auto wrong_type = Call(*client, {"INCR", "list"});
  ASSERT_TRUE(wrong_type.ok());
  EXPECT_TRUE(wrong_type->is_error());
  EXPECT_THAT(wrong_type->str, HasSubstr("WRONGTYPE"));
}

TEST_F(RedisClientTest, ManyConcurrentCommandsAllComplete) {
  auto client = RedisClient::Start(OptionsFor(*redis_));
  ASSERT_TRUE(WaitReady(*client));
  constexpr int kCommands = 500;
  std::atomic<int> ok{0};
  absl::Notification all_done;
  std::atomic<int> left{kCommands};
  for (int i = 0; i < kCommands; ++i) {
    client->Command({"INCR", "counter"}, [&](absl::StatusOr<RedisReply> reply) {
      if (reply.ok() && reply->type == RedisReply::Type::kInteger) ++ok;
      if (--left == 0) all_done.Notify();
    });
  }
  ASSERT_TRUE(all_done.WaitForNotificationWithTimeout(kPatience));
  EXPECT_EQ(ok, kCommands);
  EXPECT_EQ(*redis_->Run({"GET", "counter"}), "500");
}

TEST_F(RedisClientTest, WithoutRedisACommandFailsAtOnceInsideTheCall) {
  RedisClientOptions options = OptionsFor(*redis_);
  redis_->Kill();
  auto client = RedisClient::Start(options);
  bool inline_failure = false;
  auto reply = Call(*client, {"PING"}, &inline_failure);
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(reply.status().message(), HasSubstr("not connected"));
  EXPECT_TRUE(inline_failure) << "a call must never wait on a Redis that is down";
  EXPECT_FALSE(client->ready());
}

TEST_F(RedisClientTest, ReconnectsByItselfAfterRedisComesBack) {
  std::atomic<int> ups{0}, downs{0};
  auto client =
      RedisClient::Start(OptionsFor(*redis_), [&](bool ready) { ++(ready ? ups : downs); });
  ASSERT_TRUE(WaitReady(*client));
  redis_->Kill();
  ASSERT_TRUE(WaitReady(*client, false));
  EXPECT_EQ(Call(*client, {"PING"}).status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(redis_->Restart().ok());
  ASSERT_TRUE(WaitReady(*client));
  auto pong = Call(*client, {"PING"});
  ASSERT_TRUE(pong.ok()) << pong.status();
  EXPECT_EQ(pong->str, "PONG");
  EXPECT_EQ(ups, 2);
  EXPECT_EQ(downs, 1);
}

TEST_F(RedisClientTest, ARedisThatStopsAnsweringTimesOutAndIsTreatedAsDown) {
  RedisClientOptions options = OptionsFor(*redis_);
  options.timeouts_to_reconnect = 3;
  auto client = RedisClient::Start(options);
  ASSERT_TRUE(WaitReady(*client));
  redis_->Pause();  // Holds the connection, answers nothing.
  for (int i = 0; i < 3; ++i) {
    auto reply = Call(*client, {"PING"});
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(reply.status().message(), HasSubstr("no answer within 200ms"));
  }
  // Three timeouts in a row: the connection is dropped, later calls do not wait.
  ASSERT_TRUE(WaitReady(*client, false));
  bool inline_failure = false;
  EXPECT_EQ(Call(*client, {"PING"}, &inline_failure).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(inline_failure);
  // Reconnecting to it (the kernel still accepts) does not make it ready:
  // Redis itself never answered the handshake.
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_FALSE(client->ready());
  redis_->Resume();
  ASSERT_TRUE(WaitReady(*client));
  EXPECT_TRUE(Call(*client, {"PING"}).ok());
}

TEST_F(RedisClientTest, ShutdownEndsCommandsInFlightAndRefusesLaterOnes) {
  RedisClientOptions options = OptionsFor(*redis_);
  options.command_timeout = absl::Seconds(30);
  auto client = RedisClient::Start(options);
  ASSERT_TRUE(WaitReady(*client));
  redis_->Pause();
  absl::Notification done;
  absl::StatusCode code = absl::StatusCode::kOk;
  client->Command({"PING"}, [&](absl::StatusOr<RedisReply> reply) {
    code = reply.status().code();
    done.Notify();
  });
  client->Shutdown();
  EXPECT_TRUE(done.HasBeenNotified()) << "Shutdown() returns after every callback ran";
  EXPECT_EQ(code, absl::StatusCode::kUnavailable);
  bool inline_failure = false;
  EXPECT_EQ(Call(*client, {"PING"}, &inline_failure).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(inline_failure);
  client->Shutdown();  // Idempotent; the destructor calls it once more.
  redis_->Resume();
}

TEST_F(RedisClientTest, CommandsInFlightAreBounded) {
  RedisClientOptions options = OptionsFor(*redis_);
  options.max_in_flight = 2;
  options.command_timeout = absl::Seconds(5);
  auto client = RedisClient::Start(options);
  ASSERT_TRUE(WaitReady(*client));
  redis_->Pause();
  absl::Notification first, second;
  client->Command({"PING"}, [&](absl::StatusOr<RedisReply>) { first.Notify(); });
  client->Command({"PING"}, [&](absl::StatusOr<RedisReply>) { second.Notify(); });
  bool inline_failure = false;
  auto third = Call(*client, {"PING"}, &inline_failure);
  EXPECT_EQ(third.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(third.status().message(), HasSubstr("more than 2 commands in flight"));
  EXPECT_TRUE(inline_failure);
  redis_->Resume();
  EXPECT_TRUE(first.WaitForNotificationWithTimeout(kPatience));
  EXPECT_TRUE(second.WaitForNotificationWithTimeout(kPatience));
}

TEST(RedisClientAuthTest, AuthenticatesSelectsTheDatabaseAndRunsOnConnectEveryTime) {
  auto redis = RedisServerProcess::Start({"--requirepass", "s3cret"});
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisClientOptions options = OptionsFor(**redis);
  options.password = "s3cret";
  options.endpoint.db = 3;
  options.on_connect = {{"SCRIPT", "LOAD", "return 7"}};
  auto client = RedisClient::Start(options);
  ASSERT_TRUE(WaitReady(*client));
  auto info = Call(*client, {"CLIENT", "INFO"});
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_THAT(info->str, HasSubstr(" db=3 "));
  // Learn the script's SHA1; after a restart only on_connect can have loaded it.
  auto loaded = Call(*client, {"SCRIPT", "LOAD", "return 7"});
  ASSERT_TRUE(loaded.ok());
  (*redis)->Kill();
  ASSERT_TRUE(WaitReady(*client, false));
  ASSERT_TRUE((*redis)->Restart().ok());  // Empty: no script cached.
  ASSERT_TRUE(WaitReady(*client));
  auto result = Call(*client, {"EVALSHA", loaded->str, "0"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->integer, 7) << result->str;
}

TEST(RedisClientAuthTest, AuthenticatesAsAnAclUser) {
  // A Redis 6+ user allowed only the gateway's keys and the commands it runs.
  auto redis = RedisServerProcess::Start(
      {"--user", "default", "off", "--user", "gateway", "on", ">s3cret", "~hss-gateway:*",
       "+@connection", "+acl|whoami", "+eval", "+evalsha", "+script", "+get", "+set"});
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisClientOptions options = OptionsFor(**redis);
  options.endpoint.username = "gateway";
  options.password = "s3cret";
  auto client = RedisClient::Start(options);
  ASSERT_TRUE(WaitReady(*client));
  auto whoami = Call(*client, {"ACL", "WHOAMI"});
  ASSERT_TRUE(whoami.ok()) << whoami.status();
  EXPECT_EQ(whoami->str, "gateway");
  auto set = Call(*client, {"SET", "hss-gateway:v1:test", "1"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->str, "OK");
  auto other = Call(*client, {"SET", "someone-else", "1"});
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_THAT(other->str, HasSubstr("NOPERM"));
}

TEST(RedisClientAuthTest, AWrongPasswordNeverMakesTheClientReady) {
  auto redis = RedisServerProcess::Start({"--requirepass", "right"});
  ASSERT_TRUE(redis.ok()) << redis.status();
  RedisClientOptions options = OptionsFor(**redis);
  options.password = "wrong";
  auto client = RedisClient::Start(options);
  absl::SleepFor(absl::Milliseconds(500));  // Several connection attempts.
  EXPECT_FALSE(client->ready());
  EXPECT_EQ(Call(*client, {"PING"}).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hss::gateway
