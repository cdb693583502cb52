#ifndef HSS_SERVER_WATCH_WATCHER_QUEUE_H_
#define HSS_SERVER_WATCH_WATCHER_QUEUE_H_

#include <cstddef>
#include <deque>
#include <vector>

#include "server/watch/watch_message.h"

namespace hss::gateway {

// The messages waiting for one watcher's stream, bounded: a watcher that
// cannot keep up is never buffered without limit. When a push would hold more
// than `max_pending` change messages, the queue drops them all and asks for a
// reset instead (needs_reset()): the owner then queues one snapshot of the
// current state (PutSnapshot), which replaces every missed change. Snapshot
// messages do not count against the bound (they are the state itself, bounded
// by the server's port count). Not thread-safe (the poller guards it).
class WatcherQueue {
 public:
  // `max_pending` >= 1 change messages may wait. A new queue needs a reset
  // (its first messages are a snapshot).
  explicit WatcherQueue(size_t max_pending);

  // Queues one poll's messages, or (when they do not fit) drops everything and
  // turns needs_reset() on. Ignored while a reset is needed.
  void Push(const std::vector<SharedWatchMessage>& messages);

  // True when the next messages must be a snapshot (PutSnapshot).
  bool needs_reset() const { return needs_reset_; }

  // Queues a snapshot (in place of anything queued) and clears needs_reset().
  void PutSnapshot(const std::vector<SharedWatchMessage>& messages);

  // Takes the next message; null when none is queued.
  SharedWatchMessage Pop();

  // True when nothing is queued.
  bool empty() const { return messages_.empty(); }

  // Change messages queued (snapshot messages not counted).
  size_t pending() const { return messages_.size() - snapshot_left_; }

  // How many times the queue overflowed and asked for a reset.
  int overflows() const { return overflows_; }

 private:
  const size_t max_pending_;
  std::deque<SharedWatchMessage> messages_;
  // The first snapshot_left_ messages are a snapshot's.
  size_t snapshot_left_ = 0;
  bool needs_reset_ = true;
  int overflows_ = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_WATCHER_QUEUE_H_
