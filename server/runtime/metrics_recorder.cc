#include "server/runtime/metrics_recorder.h"

#include <atomic>
#include <utility>

#include "absl/synchronization/mutex.h"

namespace hss::gateway {
namespace {

MetricsRecorder& NoOpRecorder() {
  static MetricsRecorder* const recorder = new MetricsRecorder();  // Never destroyed.
  return *recorder;
}

// The installed recorder; read on every call, hence a plain atomic pointer.
std::atomic<MetricsRecorder*> current{nullptr};

// Owns the installed recorder (changes are rare: start-up, tests).
struct Owner {
  absl::Mutex mu;
  std::shared_ptr<MetricsRecorder> recorder ABSL_GUARDED_BY(mu);
};

Owner& GetOwner() {
  static Owner* const owner = new Owner();  // Never destroyed.
  return *owner;
}

}  // namespace

MetricsRecorder& Metrics() {
  MetricsRecorder* recorder = current.load(std::memory_order_acquire);
  return recorder != nullptr ? *recorder : NoOpRecorder();
}

std::shared_ptr<MetricsRecorder> SetMetricsRecorder(std::shared_ptr<MetricsRecorder> recorder) {
  Owner& owner = GetOwner();
  absl::MutexLock lock(&owner.mu);
  current.store(recorder.get(), std::memory_order_release);
  std::swap(owner.recorder, recorder);
  return recorder;
}

}  // namespace hss::gateway
