#include "server/protection/retry_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

absl::Duration RetryDelay(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info) return -absl::Seconds(1);
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

std::string Metadata(const absl::Status& status, const std::string& key) {
  auto info = GetErrorInfo(status);
  if (!info) return "";
  auto it = info->metadata().find(key);
  return it == info->metadata().end() ? "" : it->second;
}

struct ClassCase {
  std::string name;
  absl::Status status;
  RetryClass expected;
};

TEST(ClassifyForRetryTest, Table) {
  const ClassCase cases[] = {
      {"502", HttpError(502), RetryClass::kTransient},
      {"503", HttpError(503), RetryClass::kTransient},
      {"504", HttpError(504), RetryClass::kTransient},
      {"408", HttpError(408), RetryClass::kTransient},
      {"refused", TransportError(CURLE_COULDNT_CONNECT), RetryClass::kTransient},
      {"reset", TransportError(CURLE_RECV_ERROR), RetryClass::kTransient},
      {"empty reply", TransportError(CURLE_GOT_NOTHING), RetryClass::kTransient},
      {"dns", TransportError(CURLE_COULDNT_RESOLVE_HOST), RetryClass::kTransient},
      {"gateway timeout", TransportError(CURLE_OPERATION_TIMEDOUT), RetryClass::kTransient},
      {"500", HttpError(500, R"({"error_code":"HSS.0041","error_msg":"x"})"),
       RetryClass::kInternalError},
      {"507", HttpError(507), RetryClass::kInternalError},
      {"429", Throttled("3"), RetryClass::kThrottled},
      {"429 without Retry-After", Throttled(), RetryClass::kThrottled},
      {"400", HttpError(400), RetryClass::kNever},
      {"401", HttpError(401), RetryClass::kNever},
      {"401 expired", HttpError(401, R"({"error_code":"APIG.0307"})"), RetryClass::kNever},
      {"403", HttpError(403), RetryClass::kNever},
      {"404", HttpError(404), RetryClass::kNever},
      {"404 API not found", HttpError(404, R"({"error_code":"APIG.0101"})"), RetryClass::kNever},
      {"501", HttpError(501), RetryClass::kNever},
      {"caller deadline", TransportError(CURLE_OPERATION_TIMEDOUT, true), RetryClass::kNever},
      {"tls verify", TransportError(CURLE_PEER_FAILED_VERIFICATION), RetryClass::kNever},
      {"cancelled", TransportError(CURLE_ABORTED_BY_CALLBACK), RetryClass::kNever},
      {"malformed 200",
       [] {
         absl::Status s = MakeError(absl::StatusCode::kInternal, "bad json",
                                    "UPSTREAM_MALFORMED_RESPONSE", {{"httpStatus", "200"}});
         return s;
       }(),
       RetryClass::kNever},
      {"circuit open", MakeError(absl::StatusCode::kUnavailable, "open", "UPSTREAM_CIRCUIT_OPEN"),
       RetryClass::kNever},
      {"iam unavailable", MakeError(absl::StatusCode::kUnavailable, "iam", "IAM_UNAVAILABLE"),
       RetryClass::kNever},
      {"gateway rate limited",
       MakeError(absl::StatusCode::kResourceExhausted, "rl", "GATEWAY_RATE_LIMITED"),
       RetryClass::kNever},
      {"too large",
       [] {
         CurlFailure f;
         f.body_too_large = true;
         return CurlFailureToStatus(f);
       }(),
       RetryClass::kNever},
      {"plain unavailable", absl::UnavailableError("x"), RetryClass::kTransient},
  };
  for (const ClassCase& c : cases) {
    EXPECT_EQ(ClassifyForRetry(c.status), c.expected) << c.name << ": " << c.status;
  }
}

class DecideRetryTest : public ::testing::Test {
 protected:
  RetryDecision Decide(const absl::Status& status, int attempts, double u = 0.5,
                       absl::Time deadline = absl::InfiniteFuture(), int internal_retries = 0) {
    RetryState state;
    state.attempts = attempts;
    state.internal_error_retries = internal_retries;
    state.first_attempt_start = start_;
    return DecideRetry(options_, status, state, kNow, deadline, [u] { return u; });
  }

  RetryPolicyOptions options_;
  absl::Time start_ = kNow;
};

TEST_F(DecideRetryTest, FullJitterUnderAnExponentialCap) {
  options_.max_attempts = 20;
  const double almost_one = 0.999999;
  EXPECT_EQ(Decide(HttpError(503), 1, 0.0).delay, absl::ZeroDuration());
  EXPECT_EQ(Decide(HttpError(503), 1, 0.5).delay, absl::Milliseconds(100));
  const absl::Duration first = Decide(HttpError(503), 1, almost_one).delay;
  EXPECT_LT(first, absl::Milliseconds(200));
  EXPECT_GT(first, absl::Milliseconds(199));
  EXPECT_EQ(Decide(HttpError(503), 2, 0.5).delay, absl::Milliseconds(200));
  EXPECT_EQ(Decide(HttpError(503), 3, 0.5).delay, absl::Milliseconds(400));
  // The cap stops growing at max_backoff (5s).
  EXPECT_EQ(Decide(HttpError(503), 10, 0.5).delay, absl::Milliseconds(2500));
  EXPECT_EQ(Decide(HttpError(503), 19, 0.5).delay, absl::Milliseconds(2500));
}

TEST_F(DecideRetryTest, RetriesTransientFailuresUntilTheAttemptsAreSpent) {
  for (int attempts = 1; attempts < 4; ++attempts) {
    EXPECT_TRUE(Decide(HttpError(503), attempts).retry) << attempts;
  }
  RetryDecision last = Decide(TransportError(CURLE_COULDNT_CONNECT), 4);
  EXPECT_FALSE(last.retry);
  EXPECT_EQ(last.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(last.status.message(), HasSubstr("gave up after 4 attempts"));
  EXPECT_EQ(Metadata(last.status, "upstreamAttempts"), "4");
  EXPECT_EQ(GetErrorInfo(last.status)->reason(), "UPSTREAM_UNREACHABLE");
}

TEST_F(DecideRetryTest, Retries500AtMostOnce) {
  const absl::Status error = HttpError(500);
  RetryDecision first = Decide(error, 1, 0.5, absl::InfiniteFuture(), /*internal_retries=*/0);
  EXPECT_TRUE(first.retry);
  EXPECT_EQ(first.retry_class, RetryClass::kInternalError);
  RetryDecision second = Decide(error, 2, 0.5, absl::InfiniteFuture(), /*internal_retries=*/1);
  EXPECT_FALSE(second.retry);
  EXPECT_EQ(second.status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Metadata(second.status, "upstreamAttempts"), "2");
}

TEST_F(DecideRetryTest, NeverRetriesClientErrors) {
  for (int code : {400, 401, 403, 404}) {
    RetryDecision d = Decide(HttpError(code), 1);
    EXPECT_FALSE(d.retry) << code;
    // A first attempt's status is returned untouched.
    EXPECT_EQ(d.status, HttpError(code)) << code;
  }
}

TEST_F(DecideRetryTest, NotesEarlierAttemptsWhenAPermanentErrorFollows) {
  RetryDecision d = Decide(HttpError(404), 2);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(d.status.message(), HasSubstr("this was the gateway's attempt 2"));
  EXPECT_EQ(Metadata(d.status, "upstreamAttempts"), "2");
}

TEST_F(DecideRetryTest, ThrottledHonoursRetryAfterExactly) {
  for (double u : {0.0, 0.5, 0.99}) {
    RetryDecision d = Decide(Throttled("1"), 1, u);
    EXPECT_TRUE(d.retry);
    EXPECT_EQ(d.delay, absl::Seconds(1));
  }
}

TEST_F(DecideRetryTest, ThrottledWithoutRetryAfterWaitsSecondsWithJitter) {
  EXPECT_EQ(Decide(Throttled(), 1, 0.0).delay, absl::Seconds(1));
  EXPECT_EQ(Decide(Throttled(), 1, 0.5).delay, absl::Milliseconds(1500));
  EXPECT_EQ(Decide(Throttled(), 2, 0.0).delay, absl::Seconds(2));
  // Capped at max(max_backoff, throttled_base_backoff) = 5s.
  EXPECT_EQ(Decide(Throttled(), 3, 0.999999).delay, absl::Seconds(5) * (0.5 + 0.5 * 0.999999));
}

TEST_F(DecideRetryTest, StopsWithRetryInfoWhenTheWaitWouldCrossTheDeadline) {
  RetryDecision d = Decide(Throttled("1"), 1, 0.5, kNow + absl::Milliseconds(999));
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(d.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetErrorInfo(d.status)->reason(), "UPSTREAM_THROTTLED");
  EXPECT_EQ(RetryDelay(d.status), absl::Seconds(1));
  EXPECT_THAT(d.status.message(), HasSubstr("would start after the caller's deadline"));
  // A transient failure gets the computed wait as RetryInfo.
  RetryDecision t = Decide(HttpError(503), 1, 0.5, kNow + absl::Milliseconds(50));
  EXPECT_FALSE(t.retry);
  EXPECT_EQ(RetryDelay(t.status), absl::Milliseconds(100));
  // The deadline is after the wait: retry.
  EXPECT_TRUE(Decide(Throttled("1"), 1, 0.5, kNow + absl::Milliseconds(1001)).retry);
}

TEST_F(DecideRetryTest, StopsWhenTheNextAttemptWouldPassMaxElapsed) {
  start_ = kNow - absl::Seconds(19);
  EXPECT_TRUE(Decide(Throttled("1"), 1).retry);
  RetryDecision d = Decide(Throttled("2"), 2);
  EXPECT_FALSE(d.retry);
  EXPECT_THAT(d.status.message(), HasSubstr("more than 20s after the first"));
  // The upstream's own RetryInfo stays.
  EXPECT_EQ(RetryDelay(d.status), absl::Seconds(2));
}

TEST_F(DecideRetryTest, MaxAttemptsOneNeverRetries) {
  options_.max_attempts = 1;
  RetryDecision d = Decide(HttpError(503), 1);
  EXPECT_FALSE(d.retry);
  EXPECT_EQ(Metadata(d.status, "upstreamAttempts"), "");
}

TEST(AppendToMessageTest, KeepsCodeAndDetails) {
  absl::Status status = Throttled("7");
  absl::Status out = AppendToMessage(status, "note");
  EXPECT_EQ(out.code(), status.code());
  EXPECT_EQ(out.message(), absl::StrCat(status.message(), "; note"));
  EXPECT_EQ(GetErrorInfo(out)->reason(), "UPSTREAM_THROTTLED");
  EXPECT_EQ(RetryDelay(out), absl::Seconds(7));
  EXPECT_TRUE(AppendToMessage(absl::OkStatus(), "x").ok());
}

}  // namespace
}  // namespace hss::gateway
