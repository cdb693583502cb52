#ifndef HSS_SERVER_TESTING_FAKE_SCHEDULER_H_
#define HSS_SERVER_TESTING_FAKE_SCHEDULER_H_

// A manual clock for unit tests: time only moves when the test says so, and
// due timers run then, in time order, on the test's thread. Nothing sleeps.

#include <cstddef>
#include <map>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// A Scheduler whose clock the test advances. Thread-safe (timers may be added
// or cancelled from any thread), but timers only run inside AdvanceTo(),
// AdvanceBy() and RunDue(), each with Now() equal to its due time (or the
// current time, for timers that were already due).
class FakeScheduler final : public Scheduler {
 public:
  // A fixed, arbitrary start so tests never depend on the real date.
  static absl::Time DefaultStart() { return absl::FromUnixSeconds(1'700'000'000); }

  // Starts the clock at `start`.
  explicit FakeScheduler(absl::Time start = DefaultStart()) : now_(start) {}

  // The fake time.
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }

  // Queues `callback`; it runs when the test advances the clock to `when`.
  TimerId RunAt(absl::Time when, absl::AnyInvocable<void() &&> callback) override {
    absl::MutexLock lock(&mu_);
    const TimerId id = next_id_++;
    queue_.emplace(Key(when, id), std::move(callback));
    return id;
  }

  // Drops a pending timer.
  void CancelTimer(TimerId id) override {
    absl::AnyInvocable<void() &&> dropped;  // Destroyed outside the lock.
    absl::MutexLock lock(&mu_);
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
      if (it->first.second == id) {
        dropped = std::move(it->second);
        queue_.erase(it);
        return;
      }
    }
  }

  // Moves the clock forward to `when` (never backwards), running every timer
  // due by then in order, including timers those callbacks add.
  void AdvanceTo(absl::Time when) {
    for (;;) {
      absl::AnyInvocable<void() &&> callback;
      {
        absl::MutexLock lock(&mu_);
        if (queue_.empty() || queue_.begin()->first.first > when) {
          if (when > now_) now_ = when;
          return;
        }
        auto it = queue_.begin();
        if (it->first.first > now_) now_ = it->first.first;
        callback = std::move(it->second);
        queue_.erase(it);
      }
      std::move(callback)();
    }
  }

  // Moves the clock forward by `delta`; see AdvanceTo().
  void AdvanceBy(absl::Duration delta) { AdvanceTo(Now() + delta); }

  // Runs the timers already due, without moving the clock.
  void RunDue() { AdvanceTo(Now()); }

  // Number of pending timers.
  std::size_t pending_timers() {
    absl::MutexLock lock(&mu_);
    return queue_.size();
  }

  // Due time of the earliest pending timer, if any.
  std::optional<absl::Time> next_timer() {
    absl::MutexLock lock(&mu_);
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first.first;
  }

 private:
  using Key = std::pair<absl::Time, TimerId>;

  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  TimerId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<Key, absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_TESTING_FAKE_SCHEDULER_H_
