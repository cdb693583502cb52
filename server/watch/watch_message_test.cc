#include "server/watch/watch_message.h"

#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

using hss::ports::v1::PortChange;
using hss::ports::v1::WatchPortsResponse;

TEST(ShareMessagesTest, BytesAreTheSerializedResponseInOrder) {
  std::vector<WatchPortsResponse> responses(2);
  responses[0].set_reset(true);
  PortChange* change = responses[0].add_changes();
  change->set_kind(PortChange::KIND_ADDED);
  change->mutable_port()->set_port(22);
  responses[1].set_synced(true);
  responses[1].set_total_num(1);
  const std::vector<SharedWatchMessage> shared = ShareMessages(responses);
  ASSERT_EQ(shared.size(), 2u);
  for (size_t i = 0; i < shared.size(); ++i) {
    WatchPortsResponse parsed;
    ASSERT_TRUE(parsed.ParseFromString(shared[i]->bytes));
    EXPECT_EQ(parsed.SerializeAsString(), responses[i].SerializeAsString());
    EXPECT_EQ(shared[i]->response.SerializeAsString(), responses[i].SerializeAsString());
  }
}

}  // namespace
}  // namespace hss::gateway
