#include "server/protection/shared_pages_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/protection/shared_page_script.h"
#include "server/protection/shared_rate_limit_script.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"
#include "server/testing/redis_server_process.h"

namespace hss::gateway {
namespace {

using ::hss::gateway::testing::RedisServerProcess;
using ::testing::HasSubstr;

// Bound of every wait for something that must happen (generous: sanitizers).
constexpr absl::Duration kPatience = absl::Seconds(20);

// Where a call's outcome lands, from whichever thread finishes it.
class Result {
 public:
  PortsPageCallback Callback() {
    return [this](absl::StatusOr<PortsPage> result) {
      absl::MutexLock lock(&mu_);
      value_ = std::move(result);
    };
  }

  // The outcome, once there is one within `timeout`.
  std::optional<absl::StatusOr<PortsPage>> Await(absl::Duration timeout = kPatience) {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(
        absl::Condition(
            +[](std::optional<absl::StatusOr<PortsPage>>* v) { return v->has_value(); }, &value_),
        timeout);
    return value_;
  }

  bool done() {
    absl::MutexLock lock(&mu_);
    return value_.has_value();
  }

 private:
  absl::Mutex mu_;
  std::optional<absl::StatusOr<PortsPage>> value_ ABSL_GUARDED_BY(mu_);
};

// One gateway replica: its own Redis client, metrics and stub, in front of
// the one fake HSS every replica calls.
struct Replica {
  ~Replica() {
    redis->Shutdown();
    scheduler->Shutdown();
  }
  std::shared_ptr<RedisClient> redis;
  std::shared_ptr<ThreadScheduler> scheduler = std::make_shared<ThreadScheduler>();
  std::shared_ptr<UpstreamMetrics> metrics = std::make_shared<UpstreamMetrics>();
  std::unique_ptr<SharedPagesHssStub> stub;
};

class SharedPagesHssStubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = RedisServerProcess::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    context_.upstream_identity = "token:abc";
    context_.passthrough_token = "tenant-a-token";
  }

  std::unique_ptr<Replica> MakeReplica(SharedPagesOptions options = {}) {
    auto replica = std::make_unique<Replica>();
    RedisClientOptions client;
    client.endpoint.host = "127.0.0.1";
    client.endpoint.port = redis_->port();
    client.command_timeout = absl::Seconds(5);
    client.connect_timeout = absl::Seconds(2);
    client.reconnect_max_backoff = absl::Milliseconds(200);
    client.on_connect = SharedPageScriptLoads();
    replica->redis = RedisClient::Start(client);
    replica->stub = std::make_unique<SharedPagesHssStub>(inner_, options, replica->redis,
                                                         replica->scheduler, replica->metrics);
    const absl::Time give_up = absl::Now() + kPatience;
    while (!replica->redis->ready() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(2));
    }
    EXPECT_TRUE(replica->redis->ready());
    return replica;
  }

  void Start(Replica& replica, Result& result, const CallContext& context) {
    replica.stub->AsyncListPorts(context, "proj", TestRequest(), result.Callback());
  }

  // Waits until a key matching `pattern` exists in Redis.
  bool AwaitKey(const std::string& pattern) {
    const absl::Time give_up = absl::Now() + kPatience;
    while (redis_->Run({"KEYS", pattern}).value_or("").empty()) {
      if (absl::Now() > give_up) return false;
      absl::SleepFor(absl::Milliseconds(2));
    }
    return true;
  }

  // Gives a waiting replica time to poll a few times.
  static void LetThemPoll() { absl::SleepFor(absl::Milliseconds(150)); }

  std::unique_ptr<RedisServerProcess> redis_;
  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  CallContext context_;
};

TEST_F(SharedPagesHssStubTest, IdenticalCallsOnTwoReplicasReachHssOnce) {
  auto a = MakeReplica();
  auto b = MakeReplica();
  Result first, second;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  Start(*b, second, context_);
  LetThemPoll();
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_FALSE(second.done());
  ASSERT_TRUE(inner_->Answer(TestPage(3)));
  auto one = first.Await();
  auto two = second.Await();
  ASSERT_TRUE(one && two);
  ASSERT_TRUE(one->ok() && two->ok()) << two->status();
  EXPECT_EQ((*two)->response.SerializeAsString(), (*one)->response.SerializeAsString());
  EXPECT_EQ((*two)->request_id, "req-1");
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(b->metrics->shared_coalesced.load(), 1);
  EXPECT_EQ(a->metrics->shared_page_fallbacks.load() + b->metrics->shared_page_fallbacks.load(), 0);
  // Without the cache, a call after the result is a new call.
  inner_->Script(TestPage(3));
  Result later;
  Start(*b, later, context_);
  ASSERT_TRUE(later.Await());
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(SharedPagesHssStubTest, CallersWithDifferentTokensNeverShare) {
  auto a = MakeReplica();
  auto b = MakeReplica();
  CallContext other = context_;
  other.passthrough_token = "tenant-b-token";
  Result first, second;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  Start(*b, second, other);
  ASSERT_TRUE(inner_->AwaitPending(2));
  EXPECT_EQ(inner_->context(1).passthrough_token, "tenant-b-token");
  ASSERT_TRUE(inner_->Answer(TestPage(3)));
  ASSERT_TRUE(inner_->Answer(TestPage(1)));
  ASSERT_TRUE(first.Await() && second.Await());
  EXPECT_EQ(b->metrics->shared_coalesced.load(), 0);
}

TEST_F(SharedPagesHssStubTest, TheSharedCacheServesAnotherReplicaAndSaysHowOldThePageIs) {
  SharedPagesOptions options;
  options.cache = true;
  options.cache_ttl = absl::Seconds(30);
  auto a = MakeReplica(options);
  auto b = MakeReplica(options);
  inner_->Script(TestPage(4));
  Result first;
  Start(*a, first, context_);
  ASSERT_TRUE(first.Await());
  ASSERT_TRUE(AwaitKey("hss-gateway:v1:page:*"));
  absl::SleepFor(absl::Milliseconds(300));
  Result hit;
  Start(*b, hit, context_);
  auto page = hit.Await();
  ASSERT_TRUE(page && page->ok());
  EXPECT_EQ((*page)->response.data_list_size(), 4);
  EXPECT_GE((*page)->age, absl::Milliseconds(200));
  EXPECT_LT((*page)->age, absl::Seconds(30));
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(b->metrics->shared_cache_hits.load(), 1);
  // no-cache skips the lookup, and its fresh page refreshes the entry.
  CallContext fresh = context_;
  fresh.bypass_cache = true;
  inner_->Script(TestPage(5));
  Result bypass;
  Start(*b, bypass, fresh);
  ASSERT_TRUE(bypass.Await());
  EXPECT_EQ(inner_->calls(), 2);
  // The refresh lands in Redis just after the caller got its page.
  const absl::Time give_up = absl::Now() + kPatience;
  int seen = 0;
  while (seen != 5 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
    Result probe;
    Start(*a, probe, context_);
    auto got = probe.Await();
    ASSERT_TRUE(got && got->ok());
    seen = (*got)->response.data_list_size();
  }
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(SharedPagesHssStubTest, AFailedFetchIsNotSharedTheWaiterFetchesItself) {
  auto a = MakeReplica();
  auto b = MakeReplica();
  Result first, second;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  Start(*b, second, context_);
  LetThemPoll();
  ASSERT_TRUE(inner_->Answer(HttpError(503, R"({"error_code":"HSS.0001","error_msg":"busy"})")));
  auto failed = first.Await();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status().code(), absl::StatusCode::kUnavailable);
  // The waiter claims the call again and fetches it under its own call.
  ASSERT_TRUE(inner_->AwaitPending(1));
  EXPECT_EQ(inner_->calls(), 2);
  ASSERT_TRUE(inner_->Answer(TestPage(2)));
  auto retried = second.Await();
  ASSERT_TRUE(retried && retried->ok()) << retried->status();
}

TEST_F(SharedPagesHssStubTest, ALeaseIsRenewedWhileItsHolderFetches) {
  SharedPagesOptions options;
  options.lease = absl::Milliseconds(300);
  auto a = MakeReplica(options);
  auto b = MakeReplica(options);
  Result first, second;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  Start(*b, second, context_);
  absl::SleepFor(absl::Seconds(1));  // more than three leases
  EXPECT_EQ(inner_->calls(), 1);
  ASSERT_TRUE(inner_->Answer(TestPage(3)));
  auto shared = second.Await();
  ASSERT_TRUE(shared && shared->ok());
  EXPECT_EQ(b->metrics->shared_coalesced.load(), 1);
}

TEST_F(SharedPagesHssStubTest, TheCallOfAHolderThatDiedIsTakenOverWhenItsLeaseExpires) {
  SharedPagesOptions options;
  options.lease = absl::Milliseconds(300);
  auto a = MakeReplica(options);
  auto b = MakeReplica(options);
  Result first, second;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  // Replica a is gone as far as Redis can tell: it renews nothing more.
  a->redis->Shutdown();
  const absl::Time started = absl::Now();
  Start(*b, second, context_);
  ASSERT_TRUE(inner_->AwaitPending(2));
  EXPECT_LT(absl::Now() - started, absl::Seconds(5));
  ASSERT_TRUE(inner_->Answer(TestPage(1)));  // a's, the oldest
  ASSERT_TRUE(inner_->Answer(TestPage(2)));  // b's own
  auto taken_over = second.Await();
  ASSERT_TRUE(taken_over && taken_over->ok());
  EXPECT_EQ((*taken_over)->response.data_list_size(), 2);
}

TEST_F(SharedPagesHssStubTest, AWaiterEndsAtItsDeadlineOrWhenItCancels) {
  auto a = MakeReplica();
  auto b = MakeReplica();
  Result first;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  CallContext hurried = context_;
  hurried.deadline = absl::Now() + absl::Milliseconds(300);
  Result late;
  Start(*b, late, hurried);
  auto expired = late.Await();
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(expired->status().message(), HasSubstr("another gateway replica"));
  EXPECT_GE(absl::Now(), hurried.deadline);
  CallContext leaving = context_;
  leaving.cancellation = std::make_shared<Cancellation>();
  Result cancelled;
  Start(*b, cancelled, leaving);
  LetThemPoll();
  leaving.cancellation->Cancel();
  auto gone = cancelled.Await(absl::Seconds(1));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(inner_->calls(), 1);
  ASSERT_TRUE(inner_->Answer(TestPage(1)));
  ASSERT_TRUE(first.Await());
}

TEST_F(SharedPagesHssStubTest, APageOverTheEntryCapIsFetchedByEachReplicaItself) {
  SharedPagesOptions options;
  options.cache = true;
  options.max_entry_bytes = 4096;
  auto a = MakeReplica(options);
  auto b = MakeReplica(options);
  Result first, second;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  Start(*b, second, context_);
  LetThemPoll();
  ASSERT_TRUE(inner_->Answer(TestPage(1000)));  // about 12 KB
  ASSERT_TRUE(first.Await());
  ASSERT_TRUE(inner_->AwaitPending(1));
  ASSERT_TRUE(inner_->Answer(TestPage(1000)));
  auto own = second.Await();
  ASSERT_TRUE(own && own->ok());
  EXPECT_EQ(redis_->Run({"KEYS", "hss-gateway:v1:page:*"}).value_or("x"), "");
  EXPECT_EQ(b->metrics->shared_page_fallbacks.load(), 0);
}

TEST_F(SharedPagesHssStubTest, WithoutRedisEveryCallIsFetchedAtOnce) {
  auto a = MakeReplica();
  auto b = MakeReplica();
  redis_->Kill();
  const absl::Time give_up = absl::Now() + kPatience;
  while ((a->redis->ready() || b->redis->ready()) && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(2));
  }
  inner_->Script(TestPage(1), 2);
  Result first, second;
  Start(*a, first, context_);
  Start(*b, second, context_);
  ASSERT_TRUE(first.Await() && second.Await());
  EXPECT_EQ(inner_->calls(), 2);
  EXPECT_EQ(a->metrics->shared_page_fallbacks.load(), 1);
  EXPECT_EQ(b->metrics->shared_page_fallbacks.load(), 1);
}

TEST_F(SharedPagesHssStubTest, ScriptsRedisLostAreSentAgainInFull) {
  auto a = MakeReplica();
  auto b = MakeReplica();
  ASSERT_TRUE(redis_->Run({"SCRIPT", "FLUSH"}).ok());
  Result first, second;
  Start(*a, first, context_);
  ASSERT_TRUE(inner_->AwaitPending(1));
  Start(*b, second, context_);
  LetThemPoll();
  ASSERT_TRUE(inner_->Answer(TestPage(3)));
  auto shared = second.Await();
  ASSERT_TRUE(shared && shared->ok());
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(b->metrics->shared_coalesced.load(), 1);
}

}  // namespace
}  // namespace hss::gateway
