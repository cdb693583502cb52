#ifndef HSS_SERVER_PROTECTION_SHARED_RATE_LIMITED_HSS_STUB_H_
#define HSS_SERVER_PROTECTION_SHARED_RATE_LIMITED_HSS_STUB_H_

#include <memory>
#include <string>

#include "server/protection/rate_limiter.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/scheduler.h"
#include "server/shared_state/redis_client.h"

namespace hss::gateway {

// Settings of SharedRateLimitedHssStub.
struct SharedRateLimitOptions {
  // The limits all replicas share together (per identity and in total), and
  // the longest a call waits for its slot.
  RateLimiterOptions limits;
  // Tests only: the script reads the scheduler's clock instead of Redis TIME.
  bool clock_from_scheduler = false;
};

// HssStub decorator that paces calls to `inner` by limits every gateway
// replica shares through Redis: one atomic script call (EVALSHA of
// kSharedRateLimitScript, shared_rate_limit_script.h) per upstream request
// reserves a slot for the identity and for all callers, on Redis's clock.
// As with RateLimitedHssStub, a call proceeds at once, waits (a Scheduler
// timer, no thread) for its slot when that leaves kTimeLeftForHss before its
// deadline, or fails
// at once with RESOURCE_EXHAUSTED GATEWAY_RATE_LIMITED + RetryInfo without
// reaching HSS; metadata rateLimit is "perIdentity", "total" or "coolDown".
//
// Redis is never a reason to fail a call: when it is not connected, does not
// answer within its command timeout, answers an error, or already failed the
// call in a layer above (CallContext::shared_state_failed), the call goes to
// `fallback` instead (a RateLimitedHssStub holding this replica's share of the
// limits) and `shared_rate_limit_fallbacks` counts it. A 429 from HSS
// (UPSTREAM_THROTTLED) sets the identity's shared cool-down to its Retry-After
// (else one per-identity interval), so every replica holds that identity.
//
// Unlike the local limiter, a caller who cancels while waiting does not give
// its slot back: the reservation lives in Redis, and returning it would race
// with the other replicas' reservations. A cancelled wait costs one slot.
// Never blocks. A call that may go at once goes on on the Redis client's
// thread, one that waited on the scheduler's. Thread-safe.
class SharedRateLimitedHssStub final : public HssStub {
 public:
  // `redis` must load the scripts when it connects (SharedRateLimitScriptLoads());
  // a script Redis lost (NOSCRIPT) is sent again in full. Reply callbacks in
  // flight hold the stub and so `redis`: its owner calls RedisClient::Shutdown()
  // before dropping it, so that the last reference never goes on its thread.
  SharedRateLimitedHssStub(std::shared_ptr<HssStub> inner, SharedRateLimitOptions options,
                           std::shared_ptr<HssStub> fallback, std::shared_ptr<RedisClient> redis,
                           std::shared_ptr<Scheduler> scheduler,
                           std::shared_ptr<UpstreamMetrics> metrics);

  // See HssStub.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

 private:
  class Shared;
  const std::shared_ptr<Shared> shared_;
};

// This replica's share of `limits` when it must enforce them alone (Redis
// unreachable): each rate and burst divided by `replicas`, rounded down, at
// least 1 (a limit that is off stays off): N replicas together stay within a
// limit of at least N.
RateLimiterOptions LocalShareOfLimits(RateLimiterOptions limits, int replicas);

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_SHARED_RATE_LIMITED_HSS_STUB_H_
