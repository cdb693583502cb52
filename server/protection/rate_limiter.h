#ifndef HSS_SERVER_PROTECTION_RATE_LIMITER_H_
#define HSS_SERVER_PROTECTION_RATE_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/protection/token_bucket.h"

namespace hss::gateway {

// Limits on calls to the upstream (see TokenBucket for what a rate and a burst
// mean). 0 disables a limit.
struct RateLimiterOptions {
  // Calls per minute per upstream identity (CallContext::upstream_identity).
  int per_identity_per_minute = 0;
  // Calls one identity may make at once; 0 = per_identity_per_minute.
  int per_identity_burst = 0;
  // Calls per minute of all identities together.
  int total_per_minute = 0;
  // Calls all identities may make at once; 0 = total_per_minute.
  int total_burst = 0;
  // A call never waits longer than this for a slot, even without a deadline.
  absl::Duration max_wait = absl::Minutes(2);
};

// The documented HSS flow-control limits: 5 calls per minute per user (burst
// 5) and 600 per minute in total (burst 600).
RateLimiterOptions HuaweiCloudHssLimits();

// True when `endpoint` (a URL or a bare host) is a Huawei Cloud host:
// *.myhuaweicloud.com or *.myhuaweicloud.eu (case-insensitive; port, user
// info, path and a trailing dot ignored).
bool IsHuaweiCloudEndpoint(absl::string_view endpoint);

// The limits for an upstream at `endpoint`: HuaweiCloudHssLimits() for Huawei
// Cloud hosts, none (all 0) for anything else (simulators, proxies, test
// servers), where only explicit configuration should limit.
RateLimiterOptions DefaultLimitsForEndpoint(absl::string_view endpoint);

// What kind of caller an upstream identity (CallContext::upstream_identity)
// is, for messages: "IAM token", "access key (AK)", "IAM user" or "caller".
// Never the identity itself: for passthrough callers it derives from a token.
absl::string_view IdentityKindOf(absl::string_view identity);

// "5 HSS calls per minute", plus " in bursts of B" when the burst differs.
std::string DescribeRateLimit(int per_minute, int burst);

// A call refused for want of a rate-limit slot: RESOURCE_EXHAUSTED, reason
// GATEWAY_RATE_LIMITED, ErrorInfo metadata rateLimit = `limit_kind`
// ("perIdentity", "total" or "coolDown"), RetryInfo `wait`, and the message
// "the gateway held back this HSS call: `why` (the next is in W); retry after W".
absl::Status RateLimitedError(absl::string_view limit_kind, absl::string_view why,
                              absl::Duration wait);

// A call given a slot later than this before its deadline would only wait to
// fail with DEADLINE_EXCEEDED, HSS having no time left to answer: the rate
// limiters refuse it at once instead (RetryInfo says when to come back).
inline constexpr absl::Duration kTimeLeftForHss = absl::Milliseconds(100);

// Decides when each upstream call may start: one TokenBucket per upstream
// identity and one for all. A call is given the earliest time both allow and
// reserves its tokens at once (so queued callers keep their order); a call
// whose time would come later than kTimeLeftForHss before its deadline, or more than max_wait
// ahead, is refused without reserving anything. Idle identities are dropped,
// so memory stays bounded by the identities active within one period.
// Thread-safe.
class RateLimiter {
 public:
  // A granted reservation.
  struct Ticket {
    // When the call may start (now, or later: the caller waits until then).
    absl::Time start;
    // The identity whose bucket gave a token.
    std::string identity;
    // The per-identity reservation, when that limit is on.
    std::optional<TokenBucket::Receipt> identity_receipt;
    // The total reservation, when that limit is on.
    std::optional<TokenBucket::Receipt> total_receipt;
  };

  // Limits `options`; all 0 makes a limiter that grants everything at once.
  explicit RateLimiter(RateLimiterOptions options);

  // True when any limit is set.
  bool enabled() const { return per_identity_enabled_ || total_enabled_; }

  // Reserves a slot for a call of `identity` arriving at `now` that must start
  // before `deadline`. On refusal: RESOURCE_EXHAUSTED, reason
  // GATEWAY_RATE_LIMITED, ErrorInfo metadata rateLimit ("perIdentity" or
  // "total"), RetryInfo with the time until a slot frees, and a message naming
  // the limit and the kind of identity (never the identity itself).
  absl::StatusOr<Ticket> Acquire(absl::string_view identity, absl::Time now, absl::Time deadline);

  // Gives back the tokens of a granted call that will not start (its caller
  // cancelled while waiting).
  void Release(const Ticket& ticket, absl::Time now);

  // Identities currently tracked (for tests and metrics).
  std::size_t tracked_identities();

 private:
  // Drops idle identity buckets now and then (amortized O(1) per call).
  void MaybeSweep(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RateLimiterOptions options_;
  const bool per_identity_enabled_;
  const bool total_enabled_;
  absl::Mutex mu_;
  std::optional<TokenBucket> total_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, TokenBucket> identities_ ABSL_GUARDED_BY(mu_);
  std::size_t sweep_at_size_ ABSL_GUARDED_BY(mu_) = 64;
  std::uint64_t calls_since_sweep_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_RATE_LIMITER_H_
