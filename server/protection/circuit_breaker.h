#ifndef HSS_SERVER_PROTECTION_CIRCUIT_BREAKER_H_
#define HSS_SERVER_PROTECTION_CIRCUIT_BREAKER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/protection/upstream_metrics.h"

namespace hss::gateway {

// When the breaker opens and for how long.
struct CircuitBreakerOptions {
  // Consecutive upstream failures that open the breaker (0 = never open).
  int failure_threshold = 5;
  // How long an open breaker fails calls before it lets one probe through.
  absl::Duration cool_down = absl::Seconds(10);
};

// A circuit breaker for one upstream endpoint (shared by every caller and
// identity: an outage is the endpoint's, not a caller's).
//
//   closed     calls pass; `failure_threshold` consecutive failures open it
//   open       calls fail fast with UNAVAILABLE UPSTREAM_CIRCUIT_OPEN and
//              RetryInfo (the cool-down left); after `cool_down` the next call
//              becomes the probe and the breaker is half-open
//   half-open  exactly one probe in flight, other calls fail fast; the probe's
//              success closes the breaker, its failure reopens it, and a probe
//              that says nothing (cancelled, ...) lets the next call probe
//
// Failures are upstream outages only (see Classify()); an answer such as 404
// or 429 proves the upstream is up and resets the count. Thread-safe.
class CircuitBreaker {
 public:
  // The breaker's state.
  enum class State { kClosed, kOpen, kHalfOpen };

  // What a call's result says about the upstream.
  enum class Outcome {
    // The upstream answered (2xx, or an HTTP status below 500).
    kSuccess,
    // An outage: UNAVAILABLE (transport failures, 502, 503, 504, 408, upstream
    // timeout), any HTTP status >= 500, DEADLINE_EXCEEDED with reason
    // UPSTREAM_TIMEOUT. Not IAM_* failures (another service) and not the
    // breaker's own UPSTREAM_CIRCUIT_OPEN.
    kFailure,
    // Nothing learnt: cancelled, the caller's deadline, rate limited,
    // credentials or configuration errors.
    kNeutral,
  };

  // The verdict on one call.
  struct Admission {
    // True: make the call, then Record() its result.
    bool allowed = true;
    // True: the call is the half-open breaker's probe.
    bool probe = false;
    // When not allowed: the status to fail the call with.
    absl::Status rejection;
  };

  // Classifies a call's result (OK included).
  static Outcome Classify(const absl::Status& status);

  // `metrics` (may be null) receives the state gauge, opens and rejections.
  CircuitBreaker(CircuitBreakerOptions options, std::shared_ptr<UpstreamMetrics> metrics);

  // Decides on a call arriving at `now`.
  Admission Admit(absl::Time now);

  // Records the result of an admitted call (`probe` as Admit() said). Results
  // of calls admitted before the breaker opened are ignored while it is open.
  void Record(const absl::Status& result, bool probe, absl::Time now);

  // The current state (an open breaker turns half-open at its next Admit()).
  State state();

 private:
  void Open(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetState(State state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Rejection(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const CircuitBreakerOptions options_;
  const std::shared_ptr<UpstreamMetrics> metrics_;
  absl::Mutex mu_;
  State state_ ABSL_GUARDED_BY(mu_) = State::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time opened_at_ ABSL_GUARDED_BY(mu_);
  bool probe_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  // "<reason>: <message>" of the latest failure, shortened.
  std::string last_failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_CIRCUIT_BREAKER_H_
