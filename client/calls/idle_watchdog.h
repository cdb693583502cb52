#ifndef HSS_CLIENT_CALLS_IDLE_WATCHDOG_H_
#define HSS_CLIENT_CALLS_IDLE_WATCHDOG_H_

// Cancelling a streaming call that stalls.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/time/time.h"

namespace hss::client {

// Runs `on_idle` once, on its own thread, if Kick() is not called for
// `timeout`. A gRPC deadline bounds a whole call; this bounds the wait for each
// message of a long stream instead. A timeout of a year or more (or
// absl::InfiniteDuration()) starts no thread and never fires.
class IdleWatchdog {
 public:
  // Starts watching; the first period begins now.
  IdleWatchdog(absl::Duration timeout, std::function<void()> on_idle);

  // Stops watching (see Stop).
  ~IdleWatchdog();

  IdleWatchdog(const IdleWatchdog&) = delete;
  IdleWatchdog& operator=(const IdleWatchdog&) = delete;

  // Starts a new period: the stream made progress.
  void Kick();

  // Stops watching and waits for the thread; `on_idle` is not called after.
  void Stop();

  // True if `on_idle` was called.
  bool fired() const;

 private:
  void Run();

  const std::chrono::steady_clock::duration timeout_;
  const std::function<void()> on_idle_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::chrono::steady_clock::time_point deadline_;
  bool stopped_ = false;
  bool fired_ = false;
  std::thread thread_;
};

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_IDLE_WATCHDOG_H_
