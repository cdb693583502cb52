#include "server/protection/circuit_breaking_hss_stub.h"

#include <utility>

namespace hss::gateway {

CircuitBreakingHssStub::CircuitBreakingHssStub(std::shared_ptr<HssStub> inner,
                                               CircuitBreakerOptions options,
                                               std::shared_ptr<Scheduler> scheduler,
                                               std::shared_ptr<UpstreamMetrics> metrics)
    : inner_(std::move(inner)),
      scheduler_(std::move(scheduler)),
      breaker_(std::make_shared<CircuitBreaker>(options, std::move(metrics))) {}

void CircuitBreakingHssStub::AsyncListPorts(const CallContext& context,
                                            const std::string& project_id,
                                            const hss::ports::v1::ListPortsRequest& request,
                                            PortsPageCallback done) {
  CircuitBreaker::Admission admission = breaker_->Admit(scheduler_->Now());
  if (!admission.allowed) {
    std::move(done)(std::move(admission.rejection));
    return;
  }
  inner_->AsyncListPorts(context, project_id, request,
                         [breaker = breaker_, scheduler = scheduler_, probe = admission.probe,
                          done = std::move(done)](absl::StatusOr<PortsPage> result) mutable {
                           breaker->Record(result.status(), probe, scheduler->Now());
                           std::move(done)(std::move(result));
                         });
}

}  // namespace hss::gateway
