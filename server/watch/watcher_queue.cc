#include "server/watch/watcher_queue.h"

#include <algorithm>
#include <utility>

namespace hss::gateway {

WatcherQueue::WatcherQueue(size_t max_pending) : max_pending_(std::max<size_t>(1, max_pending)) {}

void WatcherQueue::Push(const std::vector<SharedWatchMessage>& messages) {
  if (needs_reset_ || messages.empty()) return;
  if (pending() + messages.size() > max_pending_) {
    messages_.clear();
    snapshot_left_ = 0;
    needs_reset_ = true;
    ++overflows_;
    return;
  }
  messages_.insert(messages_.end(), messages.begin(), messages.end());
}

void WatcherQueue::PutSnapshot(const std::vector<SharedWatchMessage>& messages) {
  messages_.clear();
  snapshot_left_ = messages.size();
  messages_.assign(messages.begin(), messages.end());
  needs_reset_ = false;
}

SharedWatchMessage WatcherQueue::Pop() {
  if (messages_.empty()) return nullptr;
  SharedWatchMessage message = std::move(messages_.front());
  messages_.pop_front();
  if (snapshot_left_ > 0) --snapshot_left_;
  return message;
}

}  // namespace hss::gateway
