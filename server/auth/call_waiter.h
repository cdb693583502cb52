#ifndef HSS_SERVER_AUTH_CALL_WAITER_H_
#define HSS_SERVER_AUTH_CALL_WAITER_H_

// A call waiting for a shared piece of work (an IAM token, a project lookup)
// that must not outlive its caller: the waiter is released with CANCELLED as
// soon as the caller cancels, and with DEADLINE_EXCEEDED when its deadline
// passes, while the shared work goes on for the others. Whoever comes first —
// the work's result, the cancellation or the deadline — completes the call;
// the others find it finished and do nothing.

#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/runtime/call_context.h"
#include "server/runtime/cancellation.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/scheduler.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

// One waiting call with a result of type T. Thread-safe; always held by a
// shared_ptr (the cancellation hook and the deadline timer hold it weakly).
template <typename T>
class CallWaiter : public std::enable_shared_from_this<CallWaiter<T>> {
 public:
  // Receives the result, exactly once.
  using Callback = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;

  // A waiter that delivers to `done`; `what` names what it waits for in the
  // DEADLINE_EXCEEDED message, e.g. "an IAM token".
  static std::shared_ptr<CallWaiter> Create(Callback done, std::string what) {
    return std::shared_ptr<CallWaiter>(new CallWaiter(std::move(done), std::move(what)));
  }

  // Starts watching `context`: its cancellation at once (an already cancelled
  // call is finished before Watch() returns), its deadline through
  // `scheduler` (not watched when `scheduler` is null or the deadline is
  // infinite). Call it once, without holding a lock Finish() callers take.
  void Watch(const CallContext& context, const std::shared_ptr<Scheduler>& scheduler) {
    std::weak_ptr<CallWaiter> weak = this->weak_from_this();
    TimerId timer = 0;
    if (scheduler != nullptr && context.deadline != absl::InfiniteFuture()) {
      timer = scheduler->RunAt(context.deadline, [weak] {
        if (auto self = weak.lock()) {
          self->Finish(MakeError(absl::StatusCode::kDeadlineExceeded,
                                 absl::StrCat("the caller's deadline passed while the gateway "
                                              "waited for ",
                                              self->what_),
                                 kReasonDeadlineExceeded));
        }
      });
    }
    const Cancellation::Handle hook = context.cancellation->OnCancel([weak] {
      if (auto self = weak.lock()) {
        self->Finish(MakeError(absl::StatusCode::kCancelled, "the caller cancelled the call",
                               kReasonCancelled));
      }
    });
    bool finished;
    {
      absl::MutexLock lock(&mu_);
      finished = finished_;
      if (!finished) {
        cancellation_ = context.cancellation;
        hook_ = hook;
        scheduler_ = scheduler;
        timer_ = timer;
      }
    }
    // Finished meanwhile (or at once, by a cancellation): drop what was armed.
    if (finished) {
      if (hook != 0) context.cancellation->Unregister(hook);
      if (timer != 0) scheduler->CancelTimer(timer);
    }
  }

  // Delivers `result` unless the call is finished already; returns true if it
  // was delivered. Runs the callback on the calling thread, without locks.
  bool Finish(absl::StatusOr<T> result) {
    Callback done;
    std::shared_ptr<Cancellation> cancellation;
    Cancellation::Handle hook = 0;
    std::weak_ptr<Scheduler> scheduler;
    TimerId timer = 0;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return false;
      finished_ = true;
      done = std::move(done_);
      cancellation = std::move(cancellation_);
      hook = hook_;
      scheduler = std::move(scheduler_);
      timer = timer_;
    }
    if (hook != 0) cancellation->Unregister(hook);
    if (timer != 0) {
      if (auto alive = scheduler.lock()) alive->CancelTimer(timer);
    }
    std::move(done)(std::move(result));
    return true;
  }

  // True once a result was delivered.
  bool finished() const {
    absl::MutexLock lock(&mu_);
    return finished_;
  }

 private:
  CallWaiter(Callback done, std::string what) : what_(std::move(what)), done_(std::move(done)) {}

  const std::string what_;
  mutable absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  Callback done_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Cancellation> cancellation_ ABSL_GUARDED_BY(mu_);
  Cancellation::Handle hook_ ABSL_GUARDED_BY(mu_) = 0;
  // Weak: a waiter must not keep the scheduler's thread alive.
  std::weak_ptr<Scheduler> scheduler_ ABSL_GUARDED_BY(mu_);
  TimerId timer_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_CALL_WAITER_H_
