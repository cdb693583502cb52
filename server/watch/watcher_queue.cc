#include "server/watch/watcher_queue.h"

#include <algorithm>
#include <utility>

namespace hss::gateway {

using hss::ports::v1::WatchPortsResponse;

WatcherQueue::WatcherQueue(size_t max_pending) : max_pending_(std::max<size_t>(1, max_pending)) {}

void WatcherQueue::Push(std::vector<WatchPortsResponse> messages) {
  if (needs_reset_ || messages.empty()) return;
  if (pending() + messages.size() > max_pending_) {
    messages_.clear();
    snapshot_left_ = 0;
    needs_reset_ = true;
    ++overflows_;
    return;
  }
  for (WatchPortsResponse& message : messages) messages_.push_back(std::move(message));
}

void WatcherQueue::PutSnapshot(std::vector<WatchPortsResponse> messages) {
  messages_.clear();
  snapshot_left_ = messages.size();
  for (WatchPortsResponse& message : messages) messages_.push_back(std::move(message));
  needs_reset_ = false;
}

std::optional<WatchPortsResponse> WatcherQueue::Pop() {
  if (messages_.empty()) return std::nullopt;
  WatchPortsResponse message = std::move(messages_.front());
  messages_.pop_front();
  if (snapshot_left_ > 0) --snapshot_left_;
  return message;
}

}  // namespace hss::gateway
