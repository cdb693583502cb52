#include "server/protection/rate_limited_hss_stub.h"

#include <utility>

#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

RateLimitedHssStub::RateLimitedHssStub(std::shared_ptr<HssStub> inner, RateLimiterOptions options,
                                       std::shared_ptr<Scheduler> scheduler,
                                       std::shared_ptr<UpstreamMetrics> metrics)
    : shared_(std::make_shared<Shared>(std::move(inner), options, std::move(scheduler),
                                       std::move(metrics))) {}

void RateLimitedHssStub::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                        const hss::ports::v1::ListPortsRequest& request,
                                        PortsPageCallback done) {
  if (context.cancellation->cancelled()) {
    std::move(done)(CallerCancelledError());
    return;
  }
  const absl::Time now = shared_->scheduler->Now();
  absl::StatusOr<RateLimiter::Ticket> ticket =
      shared_->limiter.Acquire(context.upstream_identity, now, context.deadline);
  if (!ticket.ok()) {
    shared_->metrics->rate_limited_rejections.fetch_add(1, std::memory_order_relaxed);
    std::move(done)(ticket.status());
    return;
  }
  if (ticket->start <= now) {
    shared_->metrics->upstream_requests.fetch_add(1, std::memory_order_relaxed);
    shared_->inner->AsyncListPorts(context, project_id, request, std::move(done));
    return;
  }
  shared_->metrics->rate_limit_waits.fetch_add(1, std::memory_order_relaxed);
  const absl::Time start = ticket->start;
  WaitUntil(shared_->scheduler, start, context.cancellation,
            [shared = shared_, context, project_id, request, ticket = *std::move(ticket),
             done = std::move(done)](bool cancelled) mutable {
              if (cancelled) {
                shared->limiter.Release(ticket, shared->scheduler->Now());
                std::move(done)(MakeError(absl::StatusCode::kCancelled,
                                          "the caller cancelled the call while it waited for "
                                          "a rate-limit slot",
                                          kReasonCancelled));
                return;
              }
              shared->metrics->upstream_requests.fetch_add(1, std::memory_order_relaxed);
              shared->inner->AsyncListPorts(context, project_id, request, std::move(done));
            });
}

}  // namespace hss::gateway
