#ifndef HSS_SERVER_PROTECTION_PROTECTION_OPTIONS_H_
#define HSS_SERVER_PROTECTION_PROTECTION_OPTIONS_H_

// The upstream protections in one place: their settings, and the function that
// stacks them in front of the REST stub.
//
// HSS allows 5 calls per minute per API for each user (600 per minute in
// total) and answers 429 APIG.0308 beyond that; many services behind one
// gateway would exhaust a user's quota in seconds without these layers.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/protection/circuit_breaker.h"
#include "server/protection/page_cache.h"
#include "server/protection/rate_limiter.h"
#include "server/protection/retry_policy.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/scheduler.h"
#include "server/shared_state/redis_client.h"
#include "server/shared_state/redis_endpoint.h"

namespace hss::gateway {

// Where the replicas share their rate limits (--shared_state).
struct SharedStateOptions {
  // The Redis server (or DCS instance) every replica uses.
  RedisEndpoint endpoint;
  // Redis AUTH password; empty: none. Never logged.
  std::string password;
  // A Redis command not answered within this is given up: the call is paced
  // by this replica's share of the limits instead.
  absl::Duration command_timeout = absl::Milliseconds(50);
  // Replicas the deployment runs: while Redis is unreachable, each enforces
  // 1/expected_replicas of every limit (LocalShareOfLimits()).
  int expected_replicas = 3;
  // The largest page the replicas share through Redis (stored form, see
  // SharedPagesOptions::max_entry_bytes); a larger one each fetches itself.
  std::int64_t max_shared_page_bytes = std::int64_t{1} << 20;
};

// Settings of every upstream protection, read once at start-up.
struct ProtectionOptions {
  // Retries of failed attempts (retry_policy.h).
  RetryPolicyOptions retry;
  // Call rate limits; none by default: use ProtectionOptionsForEndpoint() to
  // get the upstream's own limits (rate_limiter.h).
  RateLimiterOptions rate_limit;
  // The page cache, off by default (page_cache.h).
  PageCacheOptions cache;
  // The circuit breaker (circuit_breaker.h).
  CircuitBreakerOptions breaker;
  // Limits shared by every replica through Redis; unset: this replica limits
  // alone.
  std::optional<SharedStateOptions> shared_state;
  // Seed of the retry jitter; unset: a random seed (tests set it).
  std::optional<std::uint64_t> jitter_seed;
};

// The defaults for an upstream at `endpoint`: every default above, plus
// DefaultLimitsForEndpoint(endpoint) (HSS's documented limits for Huawei Cloud
// hosts, no limit for anything else). Flags then override single values.
ProtectionOptions ProtectionOptionsForEndpoint(absl::string_view endpoint);

// Wraps `rest` (the stub of ONE upstream endpoint) in the protections, from
// the caller's side inwards:
//
//   caching → coalescing → [shared pages] → circuit breaker → retrying →
//   rate limiting → rest
//
//  - The cache is outermost: a hit costs nothing else (the layer is left out
//    when options.cache.enabled is false).
//  - Coalescing comes next, so identical concurrent callers share one
//    upstream call AND one retry sequence, and a page cached once serves them
//    all afterwards.
//  - With `shared_state`, the shared pages come next (SharedPagesHssStub):
//    the one call per replica that coalescing lets through is answered from
//    the page cache in Redis (when the cache is on) or by the identical call
//    another replica is making, so the replicas together reach HSS once.
//  - The breaker wraps retrying: it counts calls, not attempts (a call that
//    failed after all its retries is one failure), and while it is open no
//    call starts a retry sequence at all.
//  - The rate limiter is innermost: every request that reaches HSS, each
//    retry included, takes a token, so the gateway's pace is HSS's quota.
//    With `shared_state` (from StartSharedState()), the limits are shared by
//    every replica through Redis (SharedRateLimitedHssStub), and this
//    replica's share of them applies while Redis is unreachable.
//
// `scheduler` provides the clock and the timers of every wait; `metrics`
// receives every counter. Both outlive the calls (the layers hold them).
std::shared_ptr<HssStub> MakeProtectedStub(std::shared_ptr<HssStub> rest,
                                           const ProtectionOptions& options,
                                           std::shared_ptr<Scheduler> scheduler,
                                           std::shared_ptr<UpstreamMetrics> metrics,
                                           std::shared_ptr<RedisClient> shared_state = nullptr);

// Connects to the shared state of `options` (reconnecting by itself for as
// long as the client lives), loading the scripts of the shared rate limits
// and shared pages on each connection; keeps `metrics->shared_state_mode` up
// to date and logs each change of mode. The caller owns the client and calls Shutdown() on it
// before dropping it (see SharedRateLimitedHssStub).
std::shared_ptr<RedisClient> StartSharedState(const SharedStateOptions& options,
                                              std::shared_ptr<UpstreamMetrics> metrics);

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_PROTECTION_OPTIONS_H_
