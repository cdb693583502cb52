#ifndef HSS_SERVER_PROTECTION_UPSTREAM_METRICS_H_
#define HSS_SERVER_PROTECTION_UPSTREAM_METRICS_H_

#include <atomic>
#include <cstdint>
#include <string>

namespace hss::gateway {

// The circuit breaker's state as the `breaker_state` gauge reports it.
enum class BreakerStateValue : std::int64_t {
  kClosed = 0,
  kOpen = 1,
  kHalfOpen = 2,
};

// How the rate limits are enforced, as the `shared_state_mode` gauge reports it.
enum class SharedStateModeValue : std::int64_t {
  // No --shared_state: each replica enforces the full limits alone.
  kLocalOnly = 0,
  // Redis decides: every replica draws from the same budget.
  kShared = 1,
  // Redis is configured but unreachable: each replica enforces its share
  // (limit / expected replicas) until Redis is back.
  kLocalFallback = 2,
};

// A copy of UpstreamMetrics at one moment (each value read atomically; the set
// as a whole is not one atomic snapshot). Each field means what the
// UpstreamMetrics field of the same name means.
struct UpstreamMetricsSnapshot {
  std::int64_t upstream_requests = 0;
  std::int64_t retries = 0;
  std::int64_t rate_limit_waits = 0;
  std::int64_t rate_limited_rejections = 0;
  std::int64_t coalesced = 0;
  std::int64_t cache_hits = 0;
  std::int64_t cache_misses = 0;
  std::int64_t cache_bypasses = 0;
  std::int64_t cache_entries = 0;
  std::int64_t cache_bytes = 0;
  std::int64_t breaker_state = 0;
  std::int64_t breaker_opens = 0;
  std::int64_t breaker_rejections = 0;
  std::int64_t shared_state_mode = 0;
  std::int64_t shared_rate_limit_fallbacks = 0;
  std::int64_t shared_cool_downs = 0;
  std::int64_t shared_cache_hits = 0;
  std::int64_t shared_coalesced = 0;
  std::int64_t shared_page_fallbacks = 0;
};

// Every counter of the upstream protections, in one place. Shared (through a
// std::shared_ptr) by all decorators of one upstream; thread-safe.
struct UpstreamMetrics {
  // Calls handed to the REST stub, i.e. requests sent (or about to be sent) to
  // HSS, retries included.
  std::atomic<std::int64_t> upstream_requests{0};
  // Retry attempts scheduled by the retry policy.
  std::atomic<std::int64_t> retries{0};
  // Calls that waited for a rate-limiter slot.
  std::atomic<std::int64_t> rate_limit_waits{0};
  // Calls failed with GATEWAY_RATE_LIMITED (no slot before their deadline).
  std::atomic<std::int64_t> rate_limited_rejections{0};
  // Calls that joined an identical call already in flight instead of calling HSS.
  std::atomic<std::int64_t> coalesced{0};
  // Calls answered from the page cache.
  std::atomic<std::int64_t> cache_hits{0};
  // Cache lookups that found nothing fresh.
  std::atomic<std::int64_t> cache_misses{0};
  // Calls that skipped the cache lookup (CallContext::bypass_cache).
  std::atomic<std::int64_t> cache_bypasses{0};
  // Gauge: pages in the cache.
  std::atomic<std::int64_t> cache_entries{0};
  // Gauge: bytes the cache accounts for (serialized pages plus keys).
  std::atomic<std::int64_t> cache_bytes{0};
  // Gauge: BreakerStateValue of the circuit breaker (0 closed, 1 open, 2 half-open).
  std::atomic<std::int64_t> breaker_state{0};
  // Times the circuit breaker opened (from closed or half-open).
  std::atomic<std::int64_t> breaker_opens{0};
  // Calls failed fast by an open (or probing) circuit breaker.
  std::atomic<std::int64_t> breaker_rejections{0};
  // Gauge: SharedStateModeValue (0 local only, 1 shared through Redis, 2 local fallback).
  std::atomic<std::int64_t> shared_state_mode{0};
  // Calls paced by this replica's local share of the limits because Redis
  // could not decide (down, slow past its command timeout, or an error answer).
  std::atomic<std::int64_t> shared_rate_limit_fallbacks{0};
  // 429 answers from HSS that made this replica set the identity's shared
  // cool-down, so that every replica holds that identity's calls.
  std::atomic<std::int64_t> shared_cool_downs{0};
  // Calls answered from the page cache the replicas share in Redis.
  std::atomic<std::int64_t> shared_cache_hits{0};
  // Calls answered by the identical call another replica made to HSS.
  std::atomic<std::int64_t> shared_coalesced{0};
  // Calls fetched without the other replicas because Redis could not say
  // whether one of them was fetching it (down, slow or an error answer).
  std::atomic<std::int64_t> shared_page_fallbacks{0};

  // Reads every counter.
  UpstreamMetricsSnapshot Snapshot() const;

  // One "name value" line per counter, in declaration order, e.g.
  // "upstream_requests 12\nretries 3\n...". Names are stable: exporters rely on them.
  std::string ToText() const;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_UPSTREAM_METRICS_H_
