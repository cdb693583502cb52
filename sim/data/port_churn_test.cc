#include "sim/data/port_churn.h"

#include <gtest/gtest.h>

namespace hss::sim {
namespace {

const HostKey kKey{5, "churn-host", Category::kHost};

TEST(PortChurnTest, OneStepChangesThePercentKeepingTheSize) {
  const HostPorts host(kKey);
  PortOverlay overlay;
  const ChurnResult r = ChurnStep(host, 3000, 1.0, 0, overlay);
  EXPECT_EQ(r.closed + r.opened + r.modified, 30u);
  EXPECT_EQ(r.closed, 10u);
  EXPECT_EQ(r.opened, 10u);
  EXPECT_EQ(r.modified, 10u);
  EXPECT_EQ(overlay.Size(3000), 3000u);
  const PortPage page = overlay.Query(host, 3000, {}, 0, 5000);
  EXPECT_EQ(page.total_num, 3000u);
  int changed_pid = 0;
  for (uint64_t i = 0; i < 3000; ++i) {
    if (auto r2 = overlay.At(host, 3000, {false, i}); r2 && r2->pid != host.At(i).pid) {
      ++changed_pid;
    }
  }
  EXPECT_EQ(changed_pid, 10);
}

TEST(PortChurnTest, StepsAreDeterministicAndAtLeastOneChange) {
  const HostPorts host(kKey);
  PortOverlay a, b;
  for (uint64_t step = 0; step < 5; ++step) {
    ChurnStep(host, 50, 0.1, step, a);
    ChurnStep(host, 50, 0.1, step, b);
  }
  EXPECT_EQ(a.Query(host, 50, {}, 0, 100).data_list, b.Query(host, 50, {}, 0, 100).data_list);
  PortOverlay c;
  const ChurnResult r = ChurnStep(host, 50, 0.1, 0, c);
  EXPECT_EQ(r.closed + r.opened + r.modified, 1u);
  EXPECT_FALSE(c.empty());
}

}  // namespace
}  // namespace hss::sim
