#include "sim/data/port_overlay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace hss::sim {
namespace {

const HostKey kKey{7, "overlay-host", Category::kHost};

std::vector<PortRecord> All(const PortOverlay& overlay, const HostPorts& host, uint64_t count,
                            const PortFilter& filter = {}) {
  return overlay.Query(host, count, filter, 0, 1'000'000).data_list;
}

TEST(PortOverlayTest, EmptyOverlayAnswersLikeQueryPorts) {
  const HostPorts host(kKey);
  PortOverlay overlay;
  EXPECT_TRUE(overlay.empty());
  for (uint64_t offset : {0, 10, 95}) {
    const PortPage want = QueryPorts(host, 100, {}, offset, 10);
    const PortPage got = overlay.Query(host, 100, {}, offset, 10);
    EXPECT_EQ(got.total_num, want.total_num);
    EXPECT_EQ(got.data_list, want.data_list);
  }
  PortFilter udp;
  udp.type = "UDP";
  EXPECT_EQ(overlay.Query(host, 100, udp, 3, 7).data_list,
            QueryPorts(host, 100, udp, 3, 7).data_list);
}

TEST(PortOverlayTest, RemoveReplaceAndAddChangeTheListInOrder) {
  const HostPorts host(kKey);
  PortOverlay overlay;
  overlay.Remove({false, 0});
  PortRecord changed = host.At(2);
  changed.pid = 424242;
  overlay.Replace({false, 2}, changed);
  PortRecord opened = host.At(5);
  opened.port = 65000;
  opened.type = "UDP";
  overlay.Add(opened);
  EXPECT_FALSE(overlay.empty());
  const std::vector<PortRecord> want = {host.At(1), changed, host.At(3), host.At(4), opened};
  EXPECT_EQ(All(overlay, host, 5), want);
  EXPECT_EQ(overlay.Size(5), 5u);
  // Paging sees the same list.
  const PortPage page = overlay.Query(host, 5, {}, 3, 10);
  EXPECT_EQ(page.total_num, 5u);
  ASSERT_EQ(page.data_list.size(), 2u);
  EXPECT_EQ(page.data_list[1], opened);
}

TEST(PortOverlayTest, FiltersApplyToModifiedAndAddedRecords) {
  const HostPorts host(kKey);
  PortOverlay overlay;
  PortRecord opened = host.At(0);
  opened.port = 1;
  overlay.Add(opened);
  PortRecord moved = host.At(3);
  moved.status = "danger";
  overlay.Replace({false, 3}, moved);
  PortFilter by_port;
  by_port.port = 1;
  EXPECT_EQ(All(overlay, host, 50, by_port).back(), opened);
  PortFilter danger;
  danger.status = "danger";
  const std::vector<PortRecord> got = All(overlay, host, 50, danger);
  EXPECT_NE(std::find(got.begin(), got.end(), moved), got.end());
  EXPECT_EQ(overlay.Query(host, 50, danger, 0, 1).total_num, got.size());
}

TEST(PortOverlayTest, FindByIdentityAndRemoveAddedRecord) {
  const HostPorts host(kKey);
  PortOverlay overlay;
  PortRecord opened = host.At(0);
  opened.port = 2;
  opened.laddr = "10.9.9.9";
  overlay.Add(opened);
  const auto found = overlay.Find(host, 20, opened);
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->added);
  EXPECT_EQ(overlay.At(host, 20, *found), opened);
  const auto base = overlay.Find(host, 20, host.At(7));
  ASSERT_TRUE(base.has_value());
  EXPECT_FALSE(base->added);
  overlay.Remove(*found);
  EXPECT_FALSE(overlay.Find(host, 20, opened).has_value());
  EXPECT_EQ(overlay.Size(20), 20u);
  overlay.Remove({false, 19});
  EXPECT_FALSE(overlay.At(host, 20, {false, 19}).has_value());
  EXPECT_EQ(overlay.Size(20), 19u);
}

}  // namespace
}  // namespace hss::sim
