#ifndef HSS_SERVER_API_DRAIN_SIGNAL_H_
#define HSS_SERVER_API_DRAIN_SIGNAL_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace hss::gateway {

// The one-shot "the gateway drains" signal every StreamPorts call registers
// on. Like Cancellation, but made for thousands of registrations that come
// and go in any order: registering and unregistering are O(1). Thread-safe.
class DrainSignal {
 public:
  // Identifies a registered action for Unregister(); 0 is never one.
  using Handle = std::uint64_t;

  DrainSignal() = default;
  DrainSignal(const DrainSignal&) = delete;
  DrainSignal& operator=(const DrainSignal&) = delete;

  // Registers `action` to run on Drain(). If the drain began already, runs it
  // now (on this thread) and returns 0.
  Handle OnDrain(absl::AnyInvocable<void() &&> action);

  // Drops a registered action (its call ended). Unknown handles are ignored.
  void Unregister(Handle handle);

  // Runs every registered action once, on this thread, without holding the
  // lock. Later calls do nothing.
  void Drain();

  // True once Drain() has been called.
  bool drained() const;

 private:
  mutable absl::Mutex mu_;
  bool drained_ ABSL_GUARDED_BY(mu_) = false;
  Handle next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<Handle, absl::AnyInvocable<void() &&>> actions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_DRAIN_SIGNAL_H_
