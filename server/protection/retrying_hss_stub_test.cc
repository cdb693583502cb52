#include "server/protection/retrying_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

absl::Duration RetryDelay(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info) return -absl::Seconds(1);
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

class RetryingHssStubTest : public ::testing::Test {
 protected:
  std::unique_ptr<RetryingHssStub> MakeStub(std::uint64_t seed = 42) {
    return std::make_unique<RetryingHssStub>(inner_, options_, scheduler_, metrics_, seed);
  }

  // Advances the fake clock timer by timer until `out` is filled (or no timer is left).
  void RunUntilDone(const Outcome& out) {
    while (!out->has_value()) {
      auto next = scheduler_->next_timer();
      if (!next) return;
      scheduler_->AdvanceTo(*next);
    }
  }

  RetryPolicyOptions options_;
  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  std::shared_ptr<UpstreamMetrics> metrics_ = std::make_shared<UpstreamMetrics>();
  CallContext context_;
};

TEST_F(RetryingHssStubTest, SuccessNeedsOneAttempt) {
  auto stub = MakeStub();
  inner_->Script(TestPage(3));
  Outcome out = StartCall(*stub, context_, TestRequest());
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((*out)->ok());
  EXPECT_EQ((**out)->response.data_list_size(), 3);
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
  EXPECT_EQ(metrics_->retries.load(), 0);
}

TEST_F(RetryingHssStubTest, RetriesA503BurstAfterBackoffTimers) {
  auto stub = MakeStub();
  inner_->Script(HttpError(503), 2);
  inner_->Script(TestPage(1));
  const absl::Time start = scheduler_->Now();
  Outcome out = StartCall(*stub, context_, TestRequest());
  EXPECT_FALSE(out->has_value());
  EXPECT_EQ(inner_->calls(), 1);
  ASSERT_EQ(scheduler_->pending_timers(), 1u);
  // Full jitter: the first wait is below 200ms.
  EXPECT_LT(*scheduler_->next_timer() - start, absl::Milliseconds(200));
  RunUntilDone(out);
  ASSERT_TRUE(out->has_value());
  EXPECT_TRUE((*out)->ok());
  EXPECT_EQ(inner_->calls(), 3);
  EXPECT_EQ(metrics_->retries.load(), 2);
  // Every attempt carried the caller's context.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(inner_->context(i).cancellation, context_.cancellation);
  }
}

TEST_F(RetryingHssStubTest, GivesUpAfterMaxAttempts) {
  auto stub = MakeStub();
  inner_->Script(TransportError(CURLE_RECV_ERROR), 10);
  Outcome out = StartCall(*stub, context_, TestRequest());
  RunUntilDone(out);
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT((*out)->status().message(), HasSubstr("gave up after 4 attempts"));
  EXPECT_EQ(inner_->calls(), 4);
  EXPECT_EQ(metrics_->retries.load(), 3);
}

TEST_F(RetryingHssStubTest, Retries500Once) {
  auto stub = MakeStub();
  inner_->Script(HttpError(500), 10);
  Outcome out = StartCall(*stub, context_, TestRequest());
  RunUntilDone(out);
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(RetryingHssStubTest, NeverRetriesAPermissionError) {
  auto stub = MakeStub();
  inner_->Script(HttpError(403), 10);
  Outcome out = StartCall(*stub, context_, TestRequest());
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
}

TEST_F(RetryingHssStubTest, ThrottledWaitsForRetryAfter) {
  auto stub = MakeStub();
  inner_->Script(Throttled("1"));
  inner_->Script(TestPage(1));
  const absl::Time start = scheduler_->Now();
  Outcome out = StartCall(*stub, context_, TestRequest());
  EXPECT_EQ(scheduler_->next_timer(), start + absl::Seconds(1));
  scheduler_->AdvanceBy(absl::Milliseconds(999));
  EXPECT_FALSE(out->has_value());
  scheduler_->AdvanceBy(absl::Milliseconds(1));
  ASSERT_TRUE(out->has_value());
  EXPECT_TRUE((*out)->ok());
}

TEST_F(RetryingHssStubTest, ThrottledBeyondTheDeadlineFailsAtOnceWithRetryInfo) {
  auto stub = MakeStub();
  inner_->Script(Throttled("1"));
  context_.deadline = scheduler_->Now() + absl::Milliseconds(500);
  Outcome out = StartCall(*stub, context_, TestRequest());
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryDelay((*out)->status()), absl::Seconds(1));
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
}

TEST_F(RetryingHssStubTest, CancellingDuringTheWaitEndsTheCallAtOnce) {
  auto stub = MakeStub();
  inner_->Script(HttpError(503), 10);
  Outcome out = StartCall(*stub, context_, TestRequest());
  EXPECT_EQ(scheduler_->pending_timers(), 1u);
  context_.cancellation->Cancel();
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
  scheduler_->AdvanceBy(absl::Minutes(1));
  EXPECT_EQ(inner_->calls(), 1);
}

TEST_F(RetryingHssStubTest, CancelledAttemptIsNotRetried) {
  auto stub = MakeStub();
  Outcome out = StartCall(*stub, context_, TestRequest());
  context_.cancellation->Cancel();
  inner_->Answer(TransportError(CURLE_ABORTED_BY_CALLBACK));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
}

TEST_F(RetryingHssStubTest, SameSeedSameJitter) {
  auto delays = [this](std::uint64_t seed) {
    auto inner = std::make_shared<FakeHssStub>();
    auto scheduler = std::make_shared<FakeScheduler>();
    RetryingHssStub stub(inner, options_, scheduler, metrics_, seed);
    inner->Script(HttpError(503), 10);
    Outcome out = StartCall(stub, context_, TestRequest());
    std::vector<absl::Duration> waits;
    while (!out->has_value()) {
      auto next = scheduler->next_timer();
      if (!next) break;
      waits.push_back(*next - scheduler->Now());
      scheduler->AdvanceTo(*next);
    }
    return waits;
  };
  EXPECT_EQ(delays(7), delays(7));
  EXPECT_NE(delays(7), delays(8));
  EXPECT_EQ(delays(7).size(), 3u);
}

TEST_F(RetryingHssStubTest, StubMayDieWhileACallWaits) {
  auto stub = MakeStub();
  inner_->Script(HttpError(503));
  inner_->Script(TestPage(1));
  Outcome out = StartCall(*stub, context_, TestRequest());
  stub.reset();
  RunUntilDone(out);
  ASSERT_TRUE(out->has_value());
  EXPECT_TRUE((*out)->ok());
}

}  // namespace
}  // namespace hss::gateway
