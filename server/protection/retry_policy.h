#ifndef HSS_SERVER_PROTECTION_RETRY_POLICY_H_
#define HSS_SERVER_PROTECTION_RETRY_POLICY_H_

// When and how long to wait before retrying a failed upstream GET.
//
// ListPorts is an idempotent GET, so every failure that may be transient is
// retried, after a wait of exponential backoff with full jitter, bounded by
// attempts, by total time and by the caller's deadline:
//
//   status                                             retried
//   UNAVAILABLE (502, 503, 504, 408, reset, refused,   yes
//     empty reply, DNS, TLS handshake, gateway timeout)
//   INTERNAL with reason UPSTREAM_INTERNAL_ERROR       at most max_500_retries times
//     (HTTP 500 and unlisted 5xx)
//   RESOURCE_EXHAUSTED with reason UPSTREAM_THROTTLED  yes, after the upstream's
//     (HTTP 429)                                       Retry-After (RetryInfo), else
//                                                      after seconds of jittered backoff
//   UNAVAILABLE with reason UPSTREAM_CIRCUIT_OPEN      no: the breaker fails fast on purpose
//   UNAVAILABLE with an IAM_* reason                   no: the token source has its own
//                                                      backoff and fails fast meanwhile
//   anything else: INVALID_ARGUMENT (400), UNAUTHENTICATED (401), PERMISSION_DENIED (403),
//   NOT_FOUND (404), other INTERNAL (malformed JSON, API not found, TLS verification),
//   DEADLINE_EXCEEDED, CANCELLED, GATEWAY_RATE_LIMITED, ...  never
//
// The decision is a pure function of its inputs (time and randomness are
// passed in), so it is tested without clocks or sleeps.

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"

namespace hss::gateway {

// Limits and backoff of the retry policy (google-cloud-cpp style: bounded by
// attempts and by elapsed time, exponential backoff with full jitter).
struct RetryPolicyOptions {
  // Attempts per call at most, the first included (1 = never retry).
  int max_attempts = 4;
  // No retry starts later than this after the first attempt started.
  absl::Duration max_elapsed = absl::Seconds(20);
  // Backoff cap before the first retry; the wait is uniform in [0, cap).
  absl::Duration initial_backoff = absl::Milliseconds(200);
  // Largest backoff cap.
  absl::Duration max_backoff = absl::Seconds(5);
  // Growth of the backoff cap per retry.
  double multiplier = 2.0;
  // Throttled (429) answers without Retry-After: the backoff cap before the
  // first retry, growing by `multiplier` up to max(max_backoff, this); the wait
  // is uniform in [cap/2, cap), so it is seconds, never milliseconds.
  absl::Duration throttled_base_backoff = absl::Seconds(2);
  // Retries of HTTP 500 answers per call at most.
  int max_500_retries = 1;
};

// How the retry policy treats a failure.
enum class RetryClass {
  // Permanent for this request, or the caller's own doing: never retried.
  kNever,
  // Transient (UNAVAILABLE): retried with backoff.
  kTransient,
  // An upstream internal error (HTTP 500): retried at most max_500_retries times.
  kInternalError,
  // Throttled by HSS (429): retried after Retry-After or a backoff of seconds.
  kThrottled,
};

// Classifies `status` (not OK) from its code and ErrorInfo reason; see the
// table at the top of this file.
RetryClass ClassifyForRetry(const absl::Status& status);

// Where a call stands when an attempt has failed.
struct RetryState {
  // Attempts made so far, the failed one included (>= 1).
  int attempts = 1;
  // Retries already spent on kInternalError failures.
  int internal_error_retries = 0;
  // When the first attempt started.
  absl::Time first_attempt_start;
};

// What to do after a failed attempt.
struct RetryDecision {
  // True: retry after `delay`. False: fail the call with `status`.
  bool retry = false;
  // The wait before the next attempt (retry only).
  absl::Duration delay = absl::ZeroDuration();
  // The call's final status (stop only): the attempt's status, with a note on
  // why the gateway stopped when it retried or could have retried, ErrorInfo
  // metadata "upstreamAttempts" when it made more than one attempt, and a
  // RetryInfo with the wait when the next attempt would have crossed the
  // caller's deadline.
  absl::Status status;
  // How the failure was classified.
  RetryClass retry_class = RetryClass::kNever;
};

// Decides whether to retry after an attempt failed with `status` at `now`, for
// a caller whose deadline is `deadline`. `uniform01` returns uniformly
// distributed numbers in [0, 1) (a seeded generator in production, fixed
// values in tests); it is called at most once.
//
// Stops when the status is never retried, when the attempts or the 500
// retries are spent, when the next attempt would start more than max_elapsed
// after the first, and when it would start at or after `deadline` (then with
// RetryInfo, so the caller may retry later by itself).
RetryDecision DecideRetry(const RetryPolicyOptions& options, const absl::Status& status,
                          const RetryState& state, absl::Time now, absl::Time deadline,
                          absl::FunctionRef<double()> uniform01);

// Returns `status` with `note` appended to its message ("<message>; <note>"),
// keeping code and every payload (error details).
absl::Status AppendToMessage(const absl::Status& status, absl::string_view note);

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_RETRY_POLICY_H_
