// The composed protections of MakeProtectedStub() against a fake upstream.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "server/protection/protection_options.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"
#include "server/testing/fake_scheduler.h"
#include "server/testing/redis_server_process.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

constexpr absl::string_view kHuaweiEndpoint = "https://hss.cn-north-4.myhuaweicloud.com";
constexpr absl::string_view kLocalEndpoint = "http://127.0.0.1:8080";

absl::Duration RetryDelay(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info) return -absl::Seconds(1);
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

std::string Reason(const absl::Status& status) {
  auto info = GetErrorInfo(status);
  return info ? info->reason() : "";
}

class ProtectedStubTest : public ::testing::Test {
 protected:
  void Build(absl::string_view endpoint, bool cache = false) {
    ProtectionOptions options = ProtectionOptionsForEndpoint(endpoint);
    options.jitter_seed = 1;
    options.cache.enabled = cache;
    stub_ = MakeProtectedStub(inner_, options, scheduler_, metrics_);
  }

  CallContext Caller() {
    CallContext c;
    c.upstream_identity = "token:abc";
    c.passthrough_token = "tok";
    return c;
  }

  // Runs the fake clock timer by timer until `out` is filled or no timer is left.
  void RunUntilDone(const Outcome& out) {
    while (!out->has_value()) {
      auto next = scheduler_->next_timer();
      if (!next) return;
      scheduler_->AdvanceTo(*next);
    }
  }

  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  std::shared_ptr<UpstreamMetrics> metrics_ = std::make_shared<UpstreamMetrics>();
  std::shared_ptr<HssStub> stub_;
};

TEST_F(ProtectedStubTest, FiftyIdenticalConcurrentCallsMakeOneUpstreamCall) {
  Build(kHuaweiEndpoint, /*cache=*/true);
  std::vector<Outcome> outs;
  for (int i = 0; i < 50; ++i) outs.push_back(StartCall(*stub_, Caller(), TestRequest()));
  EXPECT_EQ(inner_->calls(), 1);
  inner_->Answer(TestPage(9));
  for (const Outcome& out : outs) {
    ASSERT_TRUE(out->has_value());
    ASSERT_TRUE((*out)->ok()) << (*out)->status();
    EXPECT_EQ((**out)->response.data_list_size(), 9);
  }
  // Afterwards the cache answers.
  Outcome later = StartCall(*stub_, Caller(), TestRequest());
  ASSERT_TRUE(later->has_value());
  EXPECT_TRUE((*later)->ok());
  EXPECT_EQ(inner_->calls(), 1);
  const UpstreamMetricsSnapshot m = metrics_->Snapshot();
  EXPECT_EQ(m.upstream_requests, 1);
  EXPECT_EQ(m.coalesced, 49);
  EXPECT_EQ(m.cache_misses, 50);
  EXPECT_EQ(m.cache_hits, 1);
  EXPECT_EQ(m.cache_entries, 1);
}

TEST_F(ProtectedStubTest, A503BurstIsRetried) {
  Build(kHuaweiEndpoint);
  inner_->Script(HttpError(503), 2);
  inner_->Script(TestPage(2));
  Outcome out = StartCall(*stub_, Caller(), TestRequest());
  RunUntilDone(out);
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((*out)->ok()) << (*out)->status();
  EXPECT_EQ(inner_->calls(), 3);
  const UpstreamMetricsSnapshot m = metrics_->Snapshot();
  EXPECT_EQ(m.retries, 2);
  EXPECT_EQ(m.upstream_requests, 3);
  EXPECT_EQ(m.breaker_state, 0);
}

TEST_F(ProtectedStubTest, PersistentOutageOpensTheBreakerUntilTheProbe) {
  Build(kLocalEndpoint);
  inner_->Script(HttpError(503), 100);
  // Each call spends its 4 attempts; the breaker counts calls, so the 5th
  // failed call in a row opens it.
  for (int i = 0; i < 5; ++i) {
    Outcome failed = StartCall(*stub_, Caller(), TestRequest(absl::StrCat("down-", i)));
    RunUntilDone(failed);
    ASSERT_TRUE(failed->has_value());
    EXPECT_EQ(Reason((*failed)->status()), "UPSTREAM_UNAVAILABLE");
  }
  EXPECT_EQ(inner_->calls(), 20);
  EXPECT_EQ(metrics_->breaker_opens.load(), 1);
  EXPECT_EQ(metrics_->breaker_state.load(), 1);
  // The next call is refused by the breaker rather than sent.
  Outcome second = StartCall(*stub_, Caller(), TestRequest());
  RunUntilDone(second);
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Reason((*second)->status()), "UPSTREAM_CIRCUIT_OPEN");
  EXPECT_THAT((*second)->status().message(),
              HasSubstr("the gateway stopped calling HSS for 10s after 5 consecutive failures "
                        "(last: UPSTREAM_UNAVAILABLE: HSS answered HTTP 503"));
  EXPECT_EQ(inner_->calls(), 20);
  // Meanwhile calls fail fast, with the cool-down left as RetryInfo.
  const absl::Time opened = scheduler_->Now();
  scheduler_->AdvanceBy(absl::Seconds(3));
  for (int i = 0; i < 10; ++i) {
    Outcome out = StartCall(*stub_, Caller(), TestRequest(absl::StrCat("host-", i)));
    ASSERT_TRUE(out->has_value());
    EXPECT_EQ(Reason((*out)->status()), "UPSTREAM_CIRCUIT_OPEN");
    EXPECT_LE(RetryDelay((*out)->status()), absl::Seconds(7));
  }
  EXPECT_EQ(inner_->calls(), 20);
  // After the cool-down one probe goes through; HSS is back.
  scheduler_->AdvanceTo(opened + absl::Seconds(10));
  inner_->ClearScript();
  inner_->Script(TestPage(1), 2);
  Outcome probe = StartCall(*stub_, Caller(), TestRequest());
  ASSERT_TRUE(probe->has_value());
  EXPECT_TRUE((*probe)->ok());
  EXPECT_EQ(inner_->calls(), 21);
  EXPECT_EQ(metrics_->breaker_state.load(), 0);
  EXPECT_TRUE((*StartCall(*stub_, Caller(), TestRequest("host-x")))->ok());
}

TEST_F(ProtectedStubTest, ThrottledSucceedsAfterRetryAfterWhenTheDeadlineAllows) {
  Build(kHuaweiEndpoint);
  inner_->Script(Throttled("1"));
  inner_->Script(TestPage(1));
  CallContext caller = Caller();
  const absl::Time start = scheduler_->Now();
  caller.deadline = start + absl::Seconds(5);
  Outcome out = StartCall(*stub_, caller, TestRequest());
  scheduler_->AdvanceBy(absl::Milliseconds(999));
  EXPECT_FALSE(out->has_value());
  RunUntilDone(out);
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((*out)->ok()) << (*out)->status();
  EXPECT_GE(scheduler_->Now() - start, absl::Seconds(1));
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(ProtectedStubTest, ThrottledFailsAtOnceWithRetryInfoWhenTheDeadlineDoesNotAllow) {
  Build(kHuaweiEndpoint);
  inner_->Script(Throttled("1"));
  CallContext caller = Caller();
  const absl::Time start = scheduler_->Now();
  caller.deadline = start + absl::Milliseconds(500);
  Outcome out = StartCall(*stub_, caller, TestRequest());
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Reason((*out)->status()), "UPSTREAM_THROTTLED");
  EXPECT_EQ(RetryDelay((*out)->status()), absl::Seconds(1));
  EXPECT_EQ(scheduler_->Now(), start);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
  EXPECT_EQ(inner_->calls(), 1);
}

TEST_F(ProtectedStubTest, QuotaIsProtectedBeforeHssSeesTheSixthCall) {
  Build(kHuaweiEndpoint);
  inner_->Script(TestPage(1), 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE((*StartCall(*stub_, Caller(), TestRequest(absl::StrCat("h", i))))->ok());
  }
  CallContext caller = Caller();
  caller.deadline = scheduler_->Now() + absl::Seconds(10);
  Outcome sixth = StartCall(*stub_, caller, TestRequest("h5"));
  ASSERT_TRUE(sixth->has_value());
  EXPECT_EQ(Reason((*sixth)->status()), "GATEWAY_RATE_LIMITED");
  EXPECT_EQ(RetryDelay((*sixth)->status()), absl::Minutes(1));
  EXPECT_EQ(inner_->calls(), 5);
  // Not retried, not a breaker failure.
  EXPECT_EQ(metrics_->retries.load(), 0);
  EXPECT_EQ(metrics_->breaker_state.load(), 0);
  // A caller with time waits for the slot instead.
  inner_->Script(TestPage(1));
  Outcome patient = StartCall(*stub_, Caller(), TestRequest("h6"));
  EXPECT_FALSE(patient->has_value());
  scheduler_->AdvanceBy(absl::Minutes(1));
  ASSERT_TRUE(patient->has_value());
  EXPECT_TRUE((*patient)->ok());
}

TEST_F(ProtectedStubTest, CancellingDuringARetryWaitEndsEveryLayerCleanly) {
  Build(kHuaweiEndpoint);
  inner_->Script(HttpError(502), 10);
  CallContext caller = Caller();
  Outcome out = StartCall(*stub_, caller, TestRequest());
  EXPECT_FALSE(out->has_value());
  caller.cancellation->Cancel();
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kCancelled);
  scheduler_->AdvanceBy(absl::Minutes(5));
  EXPECT_EQ(inner_->calls(), 1);
}

// An upstream that answers on the scheduler's thread after a short delay:
// every third call fails with 503.
class AsyncUpstream : public HssStub {
 public:
  explicit AsyncUpstream(std::shared_ptr<Scheduler> scheduler) : scheduler_(std::move(scheduler)) {}
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override {
    const int n = calls_.fetch_add(1);
    scheduler_->RunAt(scheduler_->Now() + absl::Microseconds(100 * (n % 7)),
                      [n, done = std::move(done)]() mutable {
                        if (n % 3 == 2) {
                          std::move(done)(HttpError(503));
                        } else {
                          std::move(done)(TestPage(1));
                        }
                      });
  }
  std::atomic<int> calls_{0};

 private:
  std::shared_ptr<Scheduler> scheduler_;
};

TEST(ProtectedStubConcurrencyTest, EveryCallEndsExactlyOnceAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kCallsPerThread = 100;
  std::atomic<int> ended{0};
  std::atomic<int> ok{0};
  absl::Notification all_done;
  auto scheduler = std::make_shared<ThreadScheduler>();
  auto metrics = std::make_shared<UpstreamMetrics>();
  auto upstream = std::make_shared<AsyncUpstream>(scheduler);
  ProtectionOptions options = ProtectionOptionsForEndpoint(kLocalEndpoint);
  options.jitter_seed = 3;
  options.cache.enabled = true;
  options.cache.ttl = absl::Milliseconds(1);
  options.retry.initial_backoff = absl::Microseconds(200);
  options.retry.max_backoff = absl::Milliseconds(1);
  options.breaker.failure_threshold = 1000;
  options.rate_limit.total_per_minute = 600'000;
  auto stub = MakeProtectedStub(upstream, options, scheduler, metrics);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        CallContext context;
        context.upstream_identity = absl::StrCat("token:", i % 3);
        context.bypass_cache = (i % 5 == 0);
        stub->AsyncListPorts(context, "proj", TestRequest(absl::StrCat("h", (t + i) % 4)),
                             [&](absl::StatusOr<PortsPage> result) {
                               if (result.ok()) ++ok;
                               if (++ended == kThreads * kCallsPerThread) all_done.Notify();
                             });
        if (i % 10 == 0) context.cancellation->Cancel();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(all_done.WaitForNotificationWithTimeout(absl::Seconds(60)));
  EXPECT_EQ(ended.load(), kThreads * kCallsPerThread);
  EXPECT_GT(ok.load(), 0);
  // Let the scheduler drain before the counters go out of scope.
  absl::Notification drained;
  scheduler->RunAt(scheduler->Now() + absl::Milliseconds(20), [&] { drained.Notify(); });
  drained.WaitForNotification();
}

TEST(ProtectedStubWithSharedStateTest, ASilentRedisCostsACallOneCommandTimeoutNotOnePerLayer) {
  auto redis = testing::RedisServerProcess::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  ProtectionOptions options = ProtectionOptionsForEndpoint(kHuaweiEndpoint);
  options.jitter_seed = 1;
  SharedStateOptions shared;
  shared.endpoint.host = "127.0.0.1";
  shared.endpoint.port = (*redis)->port();
  shared.command_timeout = absl::Seconds(1);
  options.shared_state = shared;
  auto metrics = std::make_shared<UpstreamMetrics>();
  std::shared_ptr<RedisClient> client = StartSharedState(shared, metrics);
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (!client->ready() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(2));
  ASSERT_TRUE(client->ready());
  auto scheduler = std::make_shared<ThreadScheduler>();
  auto inner = std::make_shared<FakeHssStub>();
  inner->Script(TestPage(1));
  auto stub = MakeProtectedStub(inner, options, scheduler, metrics, client);
  (*redis)->Pause();  // Connected, answering nothing.
  absl::Notification done;
  absl::Status status;
  const absl::Time start = absl::Now();
  stub->AsyncListPorts(CallContext(), "proj", TestRequest(), [&](absl::StatusOr<PortsPage> page) {
    status = page.status();
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(20)));
  const absl::Duration took = absl::Now() - start;
  EXPECT_TRUE(status.ok()) << status;
  // The page claim waited one command timeout; the rate limiter below then
  // decided locally instead of waiting another one.
  EXPECT_GE(took, absl::Seconds(1));
  EXPECT_LT(took, absl::Milliseconds(1800));
  EXPECT_EQ(metrics->shared_page_fallbacks.load(), 1);
  EXPECT_EQ(metrics->shared_rate_limit_fallbacks.load(), 1);
  (*redis)->Resume();
  client->Shutdown();
  scheduler->Shutdown();
}

}  // namespace
}  // namespace hss::gateway
