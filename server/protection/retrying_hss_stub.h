#ifndef HSS_SERVER_PROTECTION_RETRYING_HSS_STUB_H_
#define HSS_SERVER_PROTECTION_RETRYING_HSS_STUB_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/protection/retry_policy.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// HssStub decorator that retries failed attempts as RetryPolicyOptions and
// DecideRetry() say. Waits are Scheduler timers (no thread sleeps); a caller
// who cancels during a wait gets CANCELLED at once and no further attempt.
// Every attempt goes through `inner` with the caller's context. Thread-safe.
class RetryingHssStub final : public HssStub {
 public:
  // `jitter_seed` seeds the backoff jitter (fixed in tests, random in
  // production so that gateway replicas do not retry in lockstep).
  RetryingHssStub(std::shared_ptr<HssStub> inner, RetryPolicyOptions options,
                  std::shared_ptr<Scheduler> scheduler, std::shared_ptr<UpstreamMetrics> metrics,
                  std::uint64_t jitter_seed);

  // See HssStub. `done` gets the first success, or the final failure with the
  // notes and details DecideRetry() adds.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

 private:
  struct Call;
  // What the calls share; outlives the stub while calls are in flight.
  struct Shared {
    std::shared_ptr<HssStub> inner;
    RetryPolicyOptions options;
    std::shared_ptr<Scheduler> scheduler;
    std::shared_ptr<UpstreamMetrics> metrics;
    absl::Mutex mu;
    std::mt19937_64 random ABSL_GUARDED_BY(mu);

    // A uniform number in [0, 1).
    double Uniform01();
  };

  static void StartAttempt(const std::shared_ptr<Shared>& shared, std::shared_ptr<Call> call);
  static void OnAttemptDone(const std::shared_ptr<Shared>& shared, std::shared_ptr<Call> call,
                            absl::StatusOr<PortsPage> result);

  const std::shared_ptr<Shared> shared_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_RETRYING_HSS_STUB_H_
