#ifndef HSS_SERVER_RUNTIME_WORK_POOL_H_
#define HSS_SERVER_RUNTIME_WORK_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace hss::gateway {

// A fixed number of threads running submitted tasks in submission order. The
// gateway uses it to take CPU-heavy work (mapping large upstream pages) off the
// transport's single event-loop thread, so that work spreads over the cores.
// Thread-safe.
class WorkPool {
 public:
  // Starts `threads` threads (at least one).
  explicit WorkPool(int threads);
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;
  // Runs the tasks already submitted, then stops the threads. Must not be
  // called from a task.
  ~WorkPool();

  // Queues `task` to run once on one of the pool's threads. Tasks must not
  // block: they delay every task queued behind them.
  void Run(absl::AnyInvocable<void() &&> task);

  // The number of threads.
  int size() const { return static_cast<int>(threads_.size()); }

 private:
  void Loop();
  bool HasTaskOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_WORK_POOL_H_
