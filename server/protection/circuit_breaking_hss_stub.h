#ifndef HSS_SERVER_PROTECTION_CIRCUIT_BREAKING_HSS_STUB_H_
#define HSS_SERVER_PROTECTION_CIRCUIT_BREAKING_HSS_STUB_H_

#include <memory>
#include <string>

#include "server/protection/circuit_breaker.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// HssStub decorator that guards one upstream endpoint with a CircuitBreaker:
// while the breaker is open (or probing) calls fail at once with UNAVAILABLE
// UPSTREAM_CIRCUIT_OPEN + RetryInfo and never reach `inner`; every admitted
// call's result is recorded. Wrap the stub of ONE endpoint: the breaker is
// shared by all callers and identities. Thread-safe.
class CircuitBreakingHssStub final : public HssStub {
 public:
  // `scheduler` is the clock of the cool-down.
  CircuitBreakingHssStub(std::shared_ptr<HssStub> inner, CircuitBreakerOptions options,
                         std::shared_ptr<Scheduler> scheduler,
                         std::shared_ptr<UpstreamMetrics> metrics);

  // See HssStub.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

  // The breaker's current state (for tests and health reporting).
  CircuitBreaker::State state() { return breaker_->state(); }

 private:
  const std::shared_ptr<HssStub> inner_;
  const std::shared_ptr<Scheduler> scheduler_;
  const std::shared_ptr<CircuitBreaker> breaker_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_CIRCUIT_BREAKING_HSS_STUB_H_
