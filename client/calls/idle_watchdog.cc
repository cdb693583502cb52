#include "client/calls/idle_watchdog.h"

#include <utility>

namespace hss::client {
namespace {

// Longer timeouts count as infinite, which also keeps clock arithmetic in range.
constexpr absl::Duration kLongestTimeout = absl::Hours(24 * 365);

bool IsUnbounded(absl::Duration timeout) { return timeout >= kLongestTimeout; }

}  // namespace

IdleWatchdog::IdleWatchdog(absl::Duration timeout, std::function<void()> on_idle)
    : timeout_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          absl::ToChronoNanoseconds(IsUnbounded(timeout) ? absl::ZeroDuration() : timeout))),
      on_idle_(std::move(on_idle)),
      deadline_(std::chrono::steady_clock::now() + timeout_) {
  if (!IsUnbounded(timeout)) thread_ = std::thread([this] { Run(); });
}

IdleWatchdog::~IdleWatchdog() { Stop(); }

void IdleWatchdog::Kick() {
  std::lock_guard<std::mutex> lock(mutex_);
  deadline_ = std::chrono::steady_clock::now() + timeout_;
}

void IdleWatchdog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool IdleWatchdog::fired() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return fired_;
}

void IdleWatchdog::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopped_) {
    const std::chrono::steady_clock::time_point deadline = deadline_;
    if (std::chrono::steady_clock::now() >= deadline) {
      fired_ = true;
      // Called under the lock so that Stop() cannot return before it ends.
      on_idle_();
      return;
    }
    changed_.wait_until(lock, deadline);
  }
}

}  // namespace hss::client
