#include "server/api/drain_signal.h"

#include <utility>

namespace hss::gateway {

DrainSignal::Handle DrainSignal::OnDrain(absl::AnyInvocable<void() &&> action) {
  {
    absl::MutexLock lock(&mu_);
    if (!drained_) {
      const Handle handle = next_handle_++;
      actions_.emplace(handle, std::move(action));
      return handle;
    }
  }
  std::move(action)();
  return 0;
}

void DrainSignal::Unregister(Handle handle) {
  absl::MutexLock lock(&mu_);
  actions_.erase(handle);
}

void DrainSignal::Drain() {
  absl::flat_hash_map<Handle, absl::AnyInvocable<void() &&>> actions;
  {
    absl::MutexLock lock(&mu_);
    if (drained_) return;
    drained_ = true;
    actions.swap(actions_);
  }
  for (auto& [handle, action] : actions) std::move(action)();
}

bool DrainSignal::drained() const {
  absl::MutexLock lock(&mu_);
  return drained_;
}

}  // namespace hss::gateway
