#include "server/watch/change_batches.h"

#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

using hss::ports::v1::PortChange;

PortSet Ports(int n) {
  PortSet ports;
  for (int i = 1; i <= n; ++i) {
    hss::ports::v1::Port port;
    port.set_port(i);
    ports.emplace(IdentityOf(port), port);
  }
  return ports;
}

TEST(ChangeBatchesTest, EmptySnapshotIsOneResetSyncedMessage) {
  const auto messages = SnapshotMessages({}, {500, 30});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].reset());
  EXPECT_TRUE(messages[0].synced());
  EXPECT_EQ(messages[0].changes_size(), 0);
  EXPECT_EQ(messages[0].total_num(), 0);
  EXPECT_EQ(messages[0].interval_seconds(), 30);
}

TEST(ChangeBatchesTest, LargeSnapshotIsSplitResetFirstSyncedLast) {
  const auto messages = SnapshotMessages(Ports(1201), {500, 7});
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_TRUE(messages[0].reset());
  EXPECT_FALSE(messages[1].reset());
  EXPECT_FALSE(messages[0].synced());
  EXPECT_TRUE(messages[2].synced());
  EXPECT_EQ(messages[0].changes_size(), 500);
  EXPECT_EQ(messages[2].changes_size(), 201);
  EXPECT_EQ(messages[0].total_num(), 500);
  EXPECT_EQ(messages[1].total_num(), 1000);
  EXPECT_EQ(messages[2].total_num(), 1201);
  for (const auto& message : messages) {
    EXPECT_EQ(message.interval_seconds(), 7);
    for (const auto& change : message.changes()) EXPECT_EQ(change.kind(), PortChange::KIND_ADDED);
  }
}

TEST(ChangeBatchesTest, ChangeMessagesCountHeldPorts) {
  std::vector<PortChange> changes(3);
  changes[0].set_kind(PortChange::KIND_REMOVED);
  changes[1].set_kind(PortChange::KIND_REMOVED);
  changes[2].set_kind(PortChange::KIND_MODIFIED);
  const auto messages = ChangeMessages(changes, 10, {2, 5});
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].total_num(), 8);
  EXPECT_EQ(messages[1].total_num(), 8);
  EXPECT_FALSE(messages[0].synced());
  EXPECT_TRUE(messages[1].synced());
  EXPECT_FALSE(messages[0].reset());
  EXPECT_TRUE(ChangeMessages({}, 3, {}).empty());
  const auto heartbeat = HeartbeatMessage(4, {500, 9});
  EXPECT_TRUE(heartbeat.synced());
  EXPECT_EQ(heartbeat.total_num(), 4);
  EXPECT_EQ(heartbeat.changes_size(), 0);
}

}  // namespace
}  // namespace hss::gateway
