#include "sim/access/quota.h"

#include <gtest/gtest.h>

namespace hss::sim {
namespace {

TEST(QuotaTest, DisabledAdmitsEverything) {
  QuotaLimiter quota;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(quota.Admit("a", 0).allowed);
  quota.Configure({5, 0});
  EXPECT_TRUE(quota.Admit("a", 0).allowed);
}

TEST(QuotaTest, SlidingWindowPerIdentity) {
  QuotaLimiter quota({2, 1000});
  EXPECT_TRUE(quota.Admit("a", 0).allowed);
  EXPECT_TRUE(quota.Admit("a", 400).allowed);
  QuotaDecision refused = quota.Admit("a", 500);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1);           // 500 ms left, rounded up.
  EXPECT_TRUE(quota.Admit("b", 500).allowed);    // Other callers have their own budget.
  EXPECT_TRUE(quota.Admit("a", 1000).allowed);   // The t=0 request left the window.
  EXPECT_FALSE(quota.Admit("a", 1001).allowed);  // t=400 and t=1000 are still in it.
  EXPECT_TRUE(quota.Admit("a", 1400).allowed);
}

TEST(QuotaTest, RetryAfterCountsWholeSecondsUntilTheWindowFrees) {
  QuotaLimiter quota({1, 60000});
  EXPECT_TRUE(quota.Admit("a", 0).allowed);
  EXPECT_EQ(quota.Admit("a", 1).retry_after_s, 60);
  EXPECT_EQ(quota.Admit("a", 58500).retry_after_s, 2);
  EXPECT_EQ(quota.Admit("a", 59999).retry_after_s, 1);
  // Refused requests are not counted.
  EXPECT_TRUE(quota.Admit("a", 60000).allowed);
}

TEST(QuotaTest, ConfigureResetsHistory) {
  QuotaLimiter quota({1, 1000});
  EXPECT_TRUE(quota.Admit("a", 0).allowed);
  EXPECT_FALSE(quota.Admit("a", 1).allowed);
  quota.Configure({1, 1000});
  EXPECT_TRUE(quota.Admit("a", 2).allowed);
  EXPECT_EQ(quota.config().per_window, 1);
}

}  // namespace
}  // namespace hss::sim
