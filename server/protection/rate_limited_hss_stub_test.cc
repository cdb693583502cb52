#include "server/protection/rate_limited_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

class RateLimitedHssStubTest : public ::testing::Test {
 protected:
  RateLimitedHssStubTest() { context_.upstream_identity = "token:abc"; }

  std::unique_ptr<RateLimitedHssStub> MakeStub(RateLimiterOptions options) {
    return std::make_unique<RateLimitedHssStub>(inner_, options, scheduler_, metrics_);
  }

  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  std::shared_ptr<UpstreamMetrics> metrics_ = std::make_shared<UpstreamMetrics>();
  CallContext context_;
};

TEST_F(RateLimitedHssStubTest, UnlimitedPassesThroughAndCountsUpstreamRequests) {
  auto stub = MakeStub(DefaultLimitsForEndpoint("http://127.0.0.1:8080"));
  inner_->Script(TestPage(1), 20);
  for (int i = 0; i < 20; ++i) {
    Outcome out = StartCall(*stub, context_, TestRequest());
    ASSERT_TRUE(out->has_value());
    EXPECT_TRUE((*out)->ok());
  }
  EXPECT_EQ(inner_->calls(), 20);
  EXPECT_EQ(metrics_->upstream_requests.load(), 20);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
}

TEST_F(RateLimitedHssStubTest, SixthCallWaitsForItsSlot) {
  auto stub = MakeStub(HuaweiCloudHssLimits());
  inner_->Script(TestPage(1), 6);
  for (int i = 0; i < 5; ++i) StartCall(*stub, context_, TestRequest());
  EXPECT_EQ(inner_->calls(), 5);
  Outcome sixth = StartCall(*stub, context_, TestRequest());
  EXPECT_FALSE(sixth->has_value());
  EXPECT_EQ(inner_->calls(), 5);
  EXPECT_EQ(metrics_->rate_limit_waits.load(), 1);
  scheduler_->AdvanceBy(absl::Seconds(59));
  EXPECT_EQ(inner_->calls(), 5);
  scheduler_->AdvanceBy(absl::Seconds(1));
  EXPECT_EQ(inner_->calls(), 6);
  ASSERT_TRUE(sixth->has_value());
  EXPECT_TRUE((*sixth)->ok());
  EXPECT_EQ(metrics_->upstream_requests.load(), 6);
}

TEST_F(RateLimitedHssStubTest, NoSlotBeforeTheDeadlineFailsFastWithoutTheUpstream) {
  auto stub = MakeStub(HuaweiCloudHssLimits());
  inner_->Script(TestPage(1), 5);
  for (int i = 0; i < 5; ++i) StartCall(*stub, context_, TestRequest());
  context_.deadline = scheduler_->Now() + absl::Seconds(10);
  Outcome out = StartCall(*stub, context_, TestRequest());
  ASSERT_TRUE(out->has_value());
  const absl::Status& status = (*out)->status();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetErrorInfo(status)->reason(), "GATEWAY_RATE_LIMITED");
  ASSERT_TRUE(GetRetryInfo(status).has_value());
  EXPECT_EQ(GetRetryInfo(status)->retry_delay().seconds(), 60);
  EXPECT_THAT(status.message(), HasSubstr("per IAM token"));
  EXPECT_EQ(inner_->calls(), 5);
  EXPECT_EQ(metrics_->rate_limited_rejections.load(), 1);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
}

TEST_F(RateLimitedHssStubTest, CancelWhileWaitingReturnsTheSlot) {
  RateLimiterOptions options;
  options.per_identity_per_minute = 1;
  auto stub = MakeStub(options);
  inner_->Script(TestPage(1), 3);
  StartCall(*stub, context_, TestRequest());
  CallContext waiting = context_;
  waiting.cancellation = std::make_shared<Cancellation>();
  Outcome cancelled = StartCall(*stub, waiting, TestRequest());
  EXPECT_EQ(scheduler_->pending_timers(), 1u);
  waiting.cancellation->Cancel();
  ASSERT_TRUE(cancelled->has_value());
  EXPECT_EQ((*cancelled)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
  // The next caller gets the returned slot (+1min), not the one after (+2min).
  Outcome next = StartCall(*stub, context_, TestRequest());
  EXPECT_EQ(scheduler_->next_timer(), scheduler_->Now() + absl::Minutes(1));
  scheduler_->AdvanceBy(absl::Minutes(1));
  ASSERT_TRUE(next->has_value());
  EXPECT_TRUE((*next)->ok());
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(RateLimitedHssStubTest, AlreadyCancelledCallNeverTakesASlot) {
  RateLimiterOptions options;
  options.per_identity_per_minute = 1;
  auto stub = MakeStub(options);
  context_.cancellation->Cancel();
  Outcome out = StartCall(*stub, context_, TestRequest());
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kCancelled);
  CallContext fresh;
  fresh.upstream_identity = context_.upstream_identity;
  inner_->Script(TestPage(1));
  Outcome next = StartCall(*stub, fresh, TestRequest());
  ASSERT_TRUE(next->has_value());  // Not delayed.
  EXPECT_EQ(inner_->calls(), 1);
}

TEST_F(RateLimitedHssStubTest, AWalkIsPacedPageByPage) {
  // StreamPorts fetches pages one after another through the same stub.
  auto stub = MakeStub(HuaweiCloudHssLimits());
  const absl::Time t0 = scheduler_->Now();
  std::vector<absl::Time> sent;
  for (int page = 0; page < 7; ++page) {
    inner_->Script(TestPage(200, 1400));
    auto request = TestRequest();
    request.set_offset(page * 200);
    Outcome out = StartCall(*stub, context_, request);
    while (!out->has_value()) scheduler_->AdvanceTo(*scheduler_->next_timer());
    sent.push_back(scheduler_->Now());
  }
  EXPECT_EQ(sent[4], t0);
  EXPECT_EQ(sent[5], t0 + absl::Minutes(1));
  EXPECT_EQ(sent[6], t0 + absl::Minutes(1));
}

}  // namespace
}  // namespace hss::gateway
