// DrainSignal: the registry of streams the drain ends.
#include "server/api/drain_signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace hss::gateway {
namespace {

TEST(DrainSignal, DrainRunsEachRegisteredActionOnceAndNotTheUnregisteredOnes) {
  DrainSignal signal;
  std::vector<int> ran;
  DrainSignal::Handle first = signal.OnDrain([&] { ran.push_back(1); });
  DrainSignal::Handle second = signal.OnDrain([&] { ran.push_back(2); });
  signal.OnDrain([&] { ran.push_back(3); });
  EXPECT_NE(first, 0u);
  EXPECT_NE(first, second);
  signal.Unregister(second);
  signal.Unregister(12345);  // Unknown: ignored.
  EXPECT_FALSE(signal.drained());
  signal.Drain();
  EXPECT_TRUE(signal.drained());
  std::sort(ran.begin(), ran.end());
  EXPECT_EQ(ran, (std::vector<int>{1, 3}));
  signal.Drain();  // Later calls do nothing.
  EXPECT_EQ(ran.size(), 2u);
}

TEST(DrainSignal, AnActionRegisteredAfterTheDrainRunsAtOnce) {
  DrainSignal signal;
  signal.Drain();
  bool ran = false;
  EXPECT_EQ(signal.OnDrain([&] { ran = true; }), 0u);
  EXPECT_TRUE(ran);
  signal.Unregister(0);
}

TEST(DrainSignal, AnActionMayUnregisterItselfOrRegisterAnother) {
  DrainSignal signal;
  DrainSignal::Handle self = 0;
  bool nested_ran = false;
  self = signal.OnDrain([&] {
    signal.Unregister(self);                     // No deadlock: the lock is not held.
    signal.OnDrain([&] { nested_ran = true; });  // Runs at once.
  });
  signal.Drain();
  EXPECT_TRUE(nested_ran);
}

}  // namespace
}  // namespace hss::gateway
