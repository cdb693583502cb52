#include "server/protection/circuit_breaking_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

class CircuitBreakingHssStubTest : public ::testing::Test {
 protected:
  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  std::shared_ptr<UpstreamMetrics> metrics_ = std::make_shared<UpstreamMetrics>();
  CircuitBreakingHssStub stub_{inner_, CircuitBreakerOptions{}, scheduler_, metrics_};
  CallContext context_;
};

TEST_F(CircuitBreakingHssStubTest, OpenBreakerKeepsCallsAwayFromTheUpstreamUntilTheProbe) {
  inner_->Script(HttpError(503), 5);
  for (int i = 0; i < 5; ++i) StartCall(stub_, context_, TestRequest());
  EXPECT_EQ(stub_.state(), CircuitBreaker::State::kOpen);
  for (int i = 0; i < 10; ++i) {
    Outcome out = StartCall(stub_, context_, TestRequest());
    ASSERT_TRUE(out->has_value());
    EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "UPSTREAM_CIRCUIT_OPEN");
  }
  EXPECT_EQ(inner_->calls(), 5);
  EXPECT_EQ(metrics_->breaker_rejections.load(), 10);

  scheduler_->AdvanceBy(absl::Seconds(10));
  Outcome probe = StartCall(stub_, context_, TestRequest());  // Pending upstream.
  Outcome during = StartCall(stub_, context_, TestRequest());
  EXPECT_EQ(GetErrorInfo((*during)->status())->reason(), "UPSTREAM_CIRCUIT_OPEN");
  EXPECT_EQ(inner_->calls(), 6);
  inner_->Answer(TestPage(1));
  EXPECT_TRUE((*probe)->ok());
  EXPECT_EQ(stub_.state(), CircuitBreaker::State::kClosed);
  inner_->Script(TestPage(1));
  EXPECT_TRUE((*StartCall(stub_, context_, TestRequest()))->ok());
}

TEST_F(CircuitBreakingHssStubTest, ClientErrorsNeverOpenIt) {
  inner_->Script(HttpError(404), 20);
  for (int i = 0; i < 20; ++i) StartCall(stub_, context_, TestRequest());
  EXPECT_EQ(stub_.state(), CircuitBreaker::State::kClosed);
  EXPECT_EQ(inner_->calls(), 20);
}

}  // namespace
}  // namespace hss::gateway
