#include "server/protection/circuit_breaker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using Outcome = CircuitBreaker::Outcome;
using State = CircuitBreaker::State;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

absl::Duration RetryDelay(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info) return -absl::Seconds(1);
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

TEST(CircuitBreakerClassifyTest, Table) {
  EXPECT_EQ(CircuitBreaker::Classify(absl::OkStatus()), Outcome::kSuccess);
  for (int code : {500, 501, 502, 503, 504, 507}) {
    EXPECT_EQ(CircuitBreaker::Classify(HttpError(code)), Outcome::kFailure) << code;
  }
  EXPECT_EQ(CircuitBreaker::Classify(HttpError(408)), Outcome::kFailure);
  EXPECT_EQ(CircuitBreaker::Classify(TransportError(CURLE_COULDNT_CONNECT)), Outcome::kFailure);
  EXPECT_EQ(CircuitBreaker::Classify(TransportError(CURLE_GOT_NOTHING)), Outcome::kFailure);
  EXPECT_EQ(CircuitBreaker::Classify(TransportError(CURLE_OPERATION_TIMEDOUT)), Outcome::kFailure);
  EXPECT_EQ(CircuitBreaker::Classify(
                MakeError(absl::StatusCode::kDeadlineExceeded, "t", "UPSTREAM_TIMEOUT")),
            Outcome::kFailure);
  for (int code : {400, 401, 403, 404, 429}) {
    EXPECT_EQ(CircuitBreaker::Classify(HttpError(code)), Outcome::kSuccess) << code;
  }
  EXPECT_EQ(CircuitBreaker::Classify(TransportError(CURLE_OPERATION_TIMEDOUT, true)),
            Outcome::kNeutral);
  EXPECT_EQ(CircuitBreaker::Classify(TransportError(CURLE_ABORTED_BY_CALLBACK)), Outcome::kNeutral);
  EXPECT_EQ(CircuitBreaker::Classify(TransportError(CURLE_PEER_FAILED_VERIFICATION)),
            Outcome::kNeutral);
  EXPECT_EQ(CircuitBreaker::Classify(
                MakeError(absl::StatusCode::kResourceExhausted, "r", "GATEWAY_RATE_LIMITED")),
            Outcome::kNeutral);
  EXPECT_EQ(
      CircuitBreaker::Classify(MakeError(absl::StatusCode::kUnavailable, "iam", "IAM_UNAVAILABLE")),
      Outcome::kNeutral);
  EXPECT_EQ(CircuitBreaker::Classify(
                MakeError(absl::StatusCode::kUnavailable, "open", "UPSTREAM_CIRCUIT_OPEN")),
            Outcome::kNeutral);
}

class CircuitBreakerTest : public ::testing::Test {
 protected:
  // Records `n` failures of admitted calls at `now`.
  void Fail(int n, absl::Time now, const absl::Status& status = HttpError(503)) {
    for (int i = 0; i < n; ++i) {
      auto admission = breaker_.Admit(now);
      ASSERT_TRUE(admission.allowed);
      breaker_.Record(status, admission.probe, now);
    }
  }

  std::shared_ptr<UpstreamMetrics> metrics_ = std::make_shared<UpstreamMetrics>();
  CircuitBreaker breaker_{CircuitBreakerOptions{}, metrics_};
};

TEST_F(CircuitBreakerTest, OpensAfterFiveConsecutiveFailuresAndFailsFast) {
  Fail(4, kT0);
  EXPECT_EQ(breaker_.state(), State::kClosed);
  Fail(1, kT0);
  EXPECT_EQ(breaker_.state(), State::kOpen);
  EXPECT_EQ(metrics_->breaker_opens.load(), 1);
  EXPECT_EQ(metrics_->breaker_state.load(), 1);

  auto admission = breaker_.Admit(kT0 + absl::Milliseconds(2800));
  ASSERT_FALSE(admission.allowed);
  const absl::Status& status = admission.rejection;
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(GetErrorInfo(status)->reason(), "UPSTREAM_CIRCUIT_OPEN");
  EXPECT_EQ(RetryDelay(status), absl::Milliseconds(7200));
  EXPECT_THAT(status.message(),
              HasSubstr("the gateway stopped calling HSS for 10s after 5 consecutive failures "
                        "(last: UPSTREAM_UNAVAILABLE: HSS answered HTTP 503"));
  EXPECT_THAT(status.message(), HasSubstr("; it will probe again in 7.2s"));
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("circuit breaker open: "));
  EXPECT_EQ(metrics_->breaker_rejections.load(), 1);
}

TEST_F(CircuitBreakerTest, SuccessAndClientErrorsResetTheCount) {
  Fail(4, kT0);
  breaker_.Record(absl::OkStatus(), false, kT0);
  Fail(4, kT0);
  breaker_.Record(HttpError(404), false, kT0);
  Fail(4, kT0);
  EXPECT_EQ(breaker_.state(), State::kClosed);
}

TEST_F(CircuitBreakerTest, NeutralResultsNeitherCountNorReset) {
  Fail(4, kT0);
  breaker_.Record(TransportError(CURLE_ABORTED_BY_CALLBACK), false, kT0);
  EXPECT_EQ(breaker_.state(), State::kClosed);
  Fail(1, kT0, TransportError(CURLE_COULDNT_CONNECT));
  EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST_F(CircuitBreakerTest, HalfOpenLetsExactlyOneProbeThroughAndItsSuccessCloses) {
  Fail(5, kT0);
  const absl::Time later = kT0 + absl::Seconds(10);
  auto probe = breaker_.Admit(later);
  ASSERT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  EXPECT_EQ(breaker_.state(), State::kHalfOpen);
  EXPECT_EQ(metrics_->breaker_state.load(), 2);
  auto other = breaker_.Admit(later);
  ASSERT_FALSE(other.allowed);
  EXPECT_THAT(other.rejection.message(), HasSubstr("a probe request is checking"));
  EXPECT_EQ(RetryDelay(other.rejection), absl::Seconds(1));
  breaker_.Record(absl::OkStatus(), true, later);
  EXPECT_EQ(breaker_.state(), State::kClosed);
  EXPECT_EQ(metrics_->breaker_state.load(), 0);
  EXPECT_TRUE(breaker_.Admit(later).allowed);
}

TEST_F(CircuitBreakerTest, FailedProbeReopensForAnotherCoolDown) {
  Fail(5, kT0);
  const absl::Time later = kT0 + absl::Seconds(11);
  auto probe = breaker_.Admit(later);
  ASSERT_TRUE(probe.probe);
  breaker_.Record(HttpError(502), true, later);
  EXPECT_EQ(breaker_.state(), State::kOpen);
  EXPECT_EQ(metrics_->breaker_opens.load(), 2);
  auto rejected = breaker_.Admit(later + absl::Seconds(1));
  ASSERT_FALSE(rejected.allowed);
  EXPECT_EQ(RetryDelay(rejected.rejection), absl::Seconds(9));
  EXPECT_THAT(rejected.rejection.message(), HasSubstr("after 6 consecutive failures"));
}

TEST_F(CircuitBreakerTest, ProbeThatLearntNothingLetsTheNextCallProbe) {
  Fail(5, kT0);
  const absl::Time later = kT0 + absl::Seconds(10);
  auto probe = breaker_.Admit(later);
  breaker_.Record(TransportError(CURLE_ABORTED_BY_CALLBACK), probe.probe, later);
  EXPECT_EQ(breaker_.state(), State::kHalfOpen);
  auto next = breaker_.Admit(later);
  EXPECT_TRUE(next.allowed);
  EXPECT_TRUE(next.probe);
}

TEST_F(CircuitBreakerTest, LateResultsOfOldCallsAreIgnoredWhileOpen) {
  Fail(5, kT0);
  breaker_.Record(absl::OkStatus(), /*probe=*/false, kT0 + absl::Seconds(1));
  EXPECT_EQ(breaker_.state(), State::kOpen);
}

TEST(CircuitBreakerThresholdTest, ZeroThresholdNeverOpens) {
  CircuitBreakerOptions options;
  options.failure_threshold = 0;
  CircuitBreaker breaker(options, nullptr);
  for (int i = 0; i < 100; ++i) breaker.Record(HttpError(503), false, kT0);
  EXPECT_TRUE(breaker.Admit(kT0).allowed);
}

}  // namespace
}  // namespace hss::gateway
