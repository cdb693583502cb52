#include "server/protection/retrying_hss_stub.h"

#include <utility>

#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

// One caller's call across its attempts.
struct RetryingHssStub::Call {
  CallContext context;
  std::string project_id;
  hss::ports::v1::ListPortsRequest request;
  PortsPageCallback done;
  RetryState state;
};

double RetryingHssStub::Shared::Uniform01() {
  absl::MutexLock lock(&mu);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

RetryingHssStub::RetryingHssStub(std::shared_ptr<HssStub> inner, RetryPolicyOptions options,
                                 std::shared_ptr<Scheduler> scheduler,
                                 std::shared_ptr<UpstreamMetrics> metrics,
                                 std::uint64_t jitter_seed)
    : shared_(std::make_shared<Shared>()) {
  shared_->inner = std::move(inner);
  shared_->options = options;
  shared_->scheduler = std::move(scheduler);
  shared_->metrics = std::move(metrics);
  absl::MutexLock lock(&shared_->mu);
  shared_->random.seed(jitter_seed);
}

void RetryingHssStub::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                     const hss::ports::v1::ListPortsRequest& request,
                                     PortsPageCallback done) {
  auto call = std::make_shared<Call>();
  call->context = context;
  call->project_id = project_id;
  call->request = request;
  call->done = std::move(done);
  call->state.first_attempt_start = shared_->scheduler->Now();
  call->state.attempts = 0;
  StartAttempt(shared_, std::move(call));
}

void RetryingHssStub::StartAttempt(const std::shared_ptr<Shared>& shared,
                                   std::shared_ptr<Call> call) {
  ++call->state.attempts;
  // `call` stays alive until the inner stub returns, even if it answers inline.
  shared->inner->AsyncListPorts(call->context, call->project_id, call->request,
                                [shared, call](absl::StatusOr<PortsPage> result) mutable {
                                  OnAttemptDone(shared, std::move(call), std::move(result));
                                });
}

void RetryingHssStub::OnAttemptDone(const std::shared_ptr<Shared>& shared,
                                    std::shared_ptr<Call> call, absl::StatusOr<PortsPage> result) {
  if (result.ok()) {
    std::move(call->done)(std::move(result));
    return;
  }
  RetryDecision decision =
      DecideRetry(shared->options, result.status(), call->state, shared->scheduler->Now(),
                  call->context.deadline, [&shared] { return shared->Uniform01(); });
  if (!decision.retry) {
    std::move(call->done)(std::move(decision.status));
    return;
  }
  if (decision.retry_class == RetryClass::kInternalError) ++call->state.internal_error_retries;
  shared->metrics->retries.fetch_add(1, std::memory_order_relaxed);
  const absl::Time when = shared->scheduler->Now() + decision.delay;
  auto cancellation = call->context.cancellation;
  WaitUntil(shared->scheduler, when, std::move(cancellation),
            [shared, call = std::move(call)](bool cancelled) mutable {
              if (cancelled) {
                std::move(call->done)(CallerCancelledError());
                return;
              }
              StartAttempt(shared, std::move(call));
            });
}

}  // namespace hss::gateway
