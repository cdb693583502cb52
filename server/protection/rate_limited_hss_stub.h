#ifndef HSS_SERVER_PROTECTION_RATE_LIMITED_HSS_STUB_H_
#define HSS_SERVER_PROTECTION_RATE_LIMITED_HSS_STUB_H_

#include <memory>
#include <string>
#include <utility>

#include "server/protection/rate_limiter.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// HssStub decorator that paces calls to `inner` through a RateLimiter keyed by
// CallContext::upstream_identity. A call proceeds at once when a slot is free,
// waits (a Scheduler timer, no thread) for its reserved slot when that comes
// before its deadline, and otherwise fails at once with RESOURCE_EXHAUSTED
// GATEWAY_RATE_LIMITED + RetryInfo without reaching `inner`. A caller who
// cancels while waiting gets CANCELLED and its slot goes back. Counts every
// call passed to `inner` as an upstream request. Thread-safe.
class RateLimitedHssStub final : public HssStub {
 public:
  // Limits `options` (DefaultLimitsForEndpoint() for the upstream's defaults).
  RateLimitedHssStub(std::shared_ptr<HssStub> inner, RateLimiterOptions options,
                     std::shared_ptr<Scheduler> scheduler,
                     std::shared_ptr<UpstreamMetrics> metrics);

  // See HssStub.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

 private:
  // What the calls share; outlives the stub while calls wait.
  struct Shared {
    Shared(std::shared_ptr<HssStub> inner_stub, RateLimiterOptions options,
           std::shared_ptr<Scheduler> clock, std::shared_ptr<UpstreamMetrics> counters)
        : inner(std::move(inner_stub)),
          scheduler(std::move(clock)),
          metrics(std::move(counters)),
          limiter(options) {}
    std::shared_ptr<HssStub> inner;
    std::shared_ptr<Scheduler> scheduler;
    std::shared_ptr<UpstreamMetrics> metrics;
    RateLimiter limiter;
  };
  const std::shared_ptr<Shared> shared_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_RATE_LIMITED_HSS_STUB_H_
