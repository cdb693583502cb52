#ifndef HSS_SERVER_RUNTIME_CANCELLATION_H_
#define HSS_SERVER_RUNTIME_CANCELLATION_H_

#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace hss::gateway {

// A one-shot cancellation signal shared by a gRPC call and the upstream work it
// started. Thread-safe. Cancel() runs every registered action exactly once.
class Cancellation {
 public:
  // Identifies a registered action for Unregister().
  using Handle = std::uint64_t;

  Cancellation() = default;
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  // Signals cancellation and runs the registered actions (on this thread,
  // without holding the lock). Later calls do nothing.
  void Cancel();

  // True once Cancel() has been called.
  bool cancelled() const;

  // Registers `action` to run on Cancel(). If already cancelled, runs it now
  // and returns 0.
  Handle OnCancel(absl::AnyInvocable<void() &&> action);

  // Drops a registered action that is no longer needed (e.g. its transfer
  // finished). Unknown handles are ignored.
  void Unregister(Handle handle);

 private:
  struct Entry {
    Handle handle;
    absl::AnyInvocable<void() &&> action;
  };
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  Handle next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_CANCELLATION_H_
