#include "server/watch/watcher_queue.h"

#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

using hss::ports::v1::WatchPortsResponse;

SharedWatchMessage Message(int total) {
  WatchPortsResponse message;
  message.set_total_num(total);
  return ShareMessages({message}).front();
}

TEST(WatcherQueueTest, NewQueueNeedsASnapshotFirst) {
  WatcherQueue queue(4);
  EXPECT_TRUE(queue.needs_reset());
  queue.Push({Message(1)});  // Ignored: the snapshot covers it.
  EXPECT_TRUE(queue.empty());
  queue.PutSnapshot({Message(10), Message(20)});
  EXPECT_FALSE(queue.needs_reset());
  queue.Push({Message(21)});
  EXPECT_EQ(queue.pending(), 1u);
  EXPECT_EQ(queue.Pop()->response.total_num(), 10);
  EXPECT_EQ(queue.Pop()->response.total_num(), 20);
  EXPECT_EQ(queue.Pop()->response.total_num(), 21);
  EXPECT_EQ(queue.Pop(), nullptr);
}

TEST(WatcherQueueTest, OverflowDropsEverythingAndAsksForAReset) {
  WatcherQueue queue(3);
  queue.PutSnapshot({});
  for (int i = 0; i < 3; ++i) queue.Push({Message(i)});
  EXPECT_FALSE(queue.needs_reset());
  queue.Push({Message(3)});  // One too many.
  EXPECT_TRUE(queue.needs_reset());
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.overflows(), 1);
  // However many polls follow, nothing is held until the snapshot.
  for (int i = 0; i < 1000; ++i) queue.Push({Message(i)});
  EXPECT_TRUE(queue.empty());
  queue.PutSnapshot({Message(99)});
  EXPECT_EQ(queue.Pop()->response.total_num(), 99);
}

TEST(WatcherQueueTest, SnapshotMessagesDoNotCountAgainstTheBound) {
  WatcherQueue queue(2);
  queue.PutSnapshot({Message(1), Message(2), Message(3), Message(4)});
  queue.Push({Message(5), Message(6)});
  EXPECT_FALSE(queue.needs_reset());
  EXPECT_EQ(queue.pending(), 2u);
}

}  // namespace
}  // namespace hss::gateway
