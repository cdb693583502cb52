#ifndef HSS_SERVER_RUNTIME_SCHEDULER_H_
#define HSS_SERVER_RUNTIME_SCHEDULER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/runtime/cancellation.h"

namespace hss::gateway {

// Identifies a timer for Scheduler::CancelTimer(). Never 0.
using TimerId = std::uint64_t;

// The gateway's clock and timers: the one seam through which the upstream
// protections (retry backoff, rate limiting, cache TTL, circuit breaker) read
// the time and wait, so that tests can replace it (fake_scheduler.h) and never
// sleep. Implementations are thread-safe.
class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // The current time.
  virtual absl::Time Now() = 0;

  // Runs `callback` once, at or soon after `when`, on the scheduler's thread;
  // never inside RunAt() itself, even when `when` has passed. Callbacks must be
  // short and must not block: they delay every other timer.
  virtual TimerId RunAt(absl::Time when, absl::AnyInvocable<void() &&> callback) = 0;

  // Drops timer `id`: a timer cancelled before it started running never runs
  // (its callback is destroyed). Unknown, finished or running timers are
  // ignored.
  virtual void CancelTimer(TimerId id) = 0;
};

// The production Scheduler: the system clock and ONE thread that runs timers
// in time order. Shutdown() (or destruction) stops the thread; timers still
// pending are destroyed without running, so stop it only after the calls using
// it ended.
class ThreadScheduler final : public Scheduler {
 public:
  // Starts the timer thread.
  ThreadScheduler();
  ThreadScheduler(const ThreadScheduler&) = delete;
  ThreadScheduler& operator=(const ThreadScheduler&) = delete;
  // Calls Shutdown().
  ~ThreadScheduler() override;

  // Stops the timer thread, waiting for a running callback to return, and
  // destroys the pending timers; later RunAt() calls destroy their callbacks.
  // Idempotent. Call it from another thread than the timer thread (a callback
  // cannot stop its own thread): the process does at shutdown, so that the last
  // reference to the scheduler is never dropped on its own thread.
  void Shutdown();

  // absl::Now().
  absl::Time Now() override;
  // See Scheduler::RunAt().
  TimerId RunAt(absl::Time when, absl::AnyInvocable<void() &&> callback) override;
  // See Scheduler::CancelTimer().
  void CancelTimer(TimerId id) override;

 private:
  using Key = std::pair<absl::Time, TimerId>;
  void Loop();

  absl::Mutex mu_;
  absl::CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  TimerId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Pending timers in the order they are due (ties in creation order).
  std::map<Key, absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  // Due time of each pending timer, for CancelTimer().
  absl::flat_hash_map<TimerId, absl::Time> due_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// Waits until `when` unless `cancellation` fires first, then runs
// `then(cancelled)` exactly once: with false on the scheduler's thread when the
// time came, with true on the cancelling thread (the timer is dropped) when the
// caller cancelled first. An already cancelled call gets then(true) at once.
// The building block of every wait of the upstream protections.
void WaitUntil(const std::shared_ptr<Scheduler>& scheduler, absl::Time when,
               std::shared_ptr<Cancellation> cancellation,
               absl::AnyInvocable<void(bool cancelled) &&> then);

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_SCHEDULER_H_
