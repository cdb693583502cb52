#include "server/runtime/scheduler.h"

#include <utility>

#include "absl/time/clock.h"

namespace hss::gateway {

ThreadScheduler::ThreadScheduler() : thread_([this] { Loop(); }) {}

ThreadScheduler::~ThreadScheduler() { Shutdown(); }

void ThreadScheduler::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.Signal();
  }
  if (thread_.joinable()) thread_.join();
  // Pending callbacks are destroyed here, outside the lock.
  std::map<Key, absl::AnyInvocable<void() &&>> pending;
  {
    absl::MutexLock lock(&mu_);
    pending.swap(queue_);
    due_.clear();
  }
}

absl::Time ThreadScheduler::Now() { return absl::Now(); }

TimerId ThreadScheduler::RunAt(absl::Time when, absl::AnyInvocable<void() &&> callback) {
  absl::AnyInvocable<void() &&> dropped;  // Destroyed after the lock is released.
  absl::MutexLock lock(&mu_);
  const TimerId id = next_id_++;
  if (stopping_) {
    dropped = std::move(callback);
    return id;
  }
  const bool earliest = queue_.empty() || Key(when, id) < queue_.begin()->first;
  queue_.emplace(Key(when, id), std::move(callback));
  due_.emplace(id, when);
  if (earliest) wake_.Signal();
  return id;
}

void ThreadScheduler::CancelTimer(TimerId id) {
  absl::AnyInvocable<void() &&> dropped;  // Destroyed after the lock is released.
  absl::MutexLock lock(&mu_);
  auto due = due_.find(id);
  if (due == due_.end()) return;
  auto it = queue_.find(Key(due->second, id));
  due_.erase(due);
  if (it == queue_.end()) return;
  dropped = std::move(it->second);
  queue_.erase(it);
}

void ThreadScheduler::Loop() {
  mu_.Lock();
  while (!stopping_) {
    if (queue_.empty()) {
      wake_.Wait(&mu_);
      continue;
    }
    auto it = queue_.begin();
    if (it->first.first > absl::Now()) {
      wake_.WaitWithDeadline(&mu_, it->first.first);
      continue;
    }
    absl::AnyInvocable<void()&&> callback = std::move(it->second);
    due_.erase(it->first.second);
    queue_.erase(it);
    mu_.Unlock();
    std::move(callback)();
    callback = nullptr;  // Whatever it owns dies outside the lock.
    mu_.Lock();
  }
  mu_.Unlock();
}

namespace {

// The shared state of one WaitUntil(): whoever claims it first (timer or
// cancellation) runs `then`.
struct WaitState {
  absl::Mutex mu;
  bool claimed ABSL_GUARDED_BY(mu) = false;
  Cancellation::Handle hook ABSL_GUARDED_BY(mu) = 0;
  absl::AnyInvocable<void(bool) &&> then;
};

// Returns true for the first caller only.
bool Claim(WaitState& state, Cancellation::Handle* hook) {
  absl::MutexLock lock(&state.mu);
  if (state.claimed) return false;
  state.claimed = true;
  if (hook != nullptr) *hook = state.hook;
  return true;
}

}  // namespace

void WaitUntil(const std::shared_ptr<Scheduler>& scheduler, absl::Time when,
               std::shared_ptr<Cancellation> cancellation,
               absl::AnyInvocable<void(bool cancelled) &&> then) {
  if (cancellation->cancelled()) {
    std::move(then)(true);
    return;
  }
  auto state = std::make_shared<WaitState>();
  state->then = std::move(then);
  const TimerId timer = scheduler->RunAt(when, [state, cancellation] {
    Cancellation::Handle hook = 0;
    if (!Claim(*state, &hook)) return;
    // A hook not yet recorded is dropped by its registering thread below.
    if (hook != 0) cancellation->Unregister(hook);
    std::move(state->then)(false);
  });
  // Runs at once (returning 0) if the call was cancelled meanwhile.
  // The hook holds the scheduler weakly: it may outlive the wait in the
  // caller's Cancellation, and must not keep the scheduler's thread alive.
  std::weak_ptr<Scheduler> weak_scheduler = scheduler;
  const Cancellation::Handle hook = cancellation->OnCancel([state, weak_scheduler, timer] {
    if (!Claim(*state, nullptr)) return;
    if (auto alive = weak_scheduler.lock()) alive->CancelTimer(timer);
    std::move(state->then)(true);
  });
  bool drop_hook = false;
  {
    absl::MutexLock lock(&state->mu);
    if (state->claimed) {
      drop_hook = true;
    } else {
      state->hook = hook;
    }
  }
  if (drop_hook && hook != 0) cancellation->Unregister(hook);
}

}  // namespace hss::gateway
