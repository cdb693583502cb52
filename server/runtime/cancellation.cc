#include "server/runtime/cancellation.h"

#include <utility>

namespace hss::gateway {

void Cancellation::Cancel() {
  std::vector<Entry> entries;
  {
    absl::MutexLock lock(&mu_);
    if (cancelled_) return;
    cancelled_ = true;
    entries.swap(entries_);
  }
  for (auto& entry : entries) std::move(entry.action)();
}

bool Cancellation::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

Cancellation::Handle Cancellation::OnCancel(absl::AnyInvocable<void() &&> action) {
  {
    absl::MutexLock lock(&mu_);
    if (!cancelled_) {
      Handle handle = next_handle_++;
      entries_.push_back({handle, std::move(action)});
      return handle;
    }
  }
  std::move(action)();
  return 0;
}

void Cancellation::Unregister(Handle handle) {
  absl::MutexLock lock(&mu_);
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->handle == handle) {
      entries_.erase(it);
      return;
    }
  }
}

}  // namespace hss::gateway
