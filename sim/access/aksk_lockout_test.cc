#include "sim/access/aksk_lockout.h"

#include <gtest/gtest.h>

#include <string>

namespace hss::sim {
namespace {

TEST(AkLockoutTest, LocksAfterMoreThanMaxConsecutiveFailures) {
  AkLockout lockout({.max_failures = 5, .lock_ms = 300000});
  for (int i = 1; i <= 5; ++i) {
    EXPECT_FALSE(lockout.RecordFailure("AK1", 1000)) << i;
    EXPECT_EQ(lockout.CheckLocked("AK1", 1000), 0) << i;
  }
  EXPECT_TRUE(lockout.RecordFailure("AK1", 2000));  // The 6th.
  EXPECT_EQ(lockout.CheckLocked("AK1", 2000), 300000);
  EXPECT_EQ(lockout.CheckLocked("AK1", 2000 + 299999), 1);
  EXPECT_EQ(lockout.CheckLocked("AK2", 2000), 0);  // Per key.
}

TEST(AkLockoutTest, SuccessResetsTheCount) {
  AkLockout lockout({.max_failures = 5, .lock_ms = 1000});
  for (int i = 0; i < 5; ++i) lockout.RecordFailure("AK", 0);
  lockout.RecordSuccess("AK");
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(lockout.RecordFailure("AK", 0));
  EXPECT_EQ(lockout.CheckLocked("AK", 0), 0);
  EXPECT_TRUE(lockout.RecordFailure("AK", 0));
}

TEST(AkLockoutTest, LockEndsAfterItsDurationAndCountingStartsAgain) {
  AkLockout lockout({.max_failures = 1, .lock_ms = 1000});
  lockout.RecordFailure("AK", 0);
  ASSERT_TRUE(lockout.RecordFailure("AK", 10));
  // Failures while locked neither count nor extend the lock.
  EXPECT_FALSE(lockout.RecordFailure("AK", 500));
  EXPECT_EQ(lockout.CheckLocked("AK", 1009), 1);
  EXPECT_EQ(lockout.CheckLocked("AK", 1010), 0);
  EXPECT_FALSE(lockout.RecordFailure("AK", 1020));  // 1 of 1 tolerated.
  EXPECT_TRUE(lockout.RecordFailure("AK", 1030));
}

TEST(AkLockoutTest, DisabledNeverLocks) {
  AkLockout lockout({.max_failures = 0, .lock_ms = 0});
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(lockout.RecordFailure("AK", i));
  EXPECT_EQ(lockout.CheckLocked("AK", 100), 0);
}

TEST(AkLockoutTest, ClearUnlocksAndJsonShowsState) {
  AkLockout lockout({.max_failures = 0, .lock_ms = 5000});
  ASSERT_TRUE(lockout.RecordFailure("AK\"1", 0));
  lockout.RecordFailure("AK2", 0);  // Also locked at once (0 tolerated).
  EXPECT_GT(lockout.CheckLocked("AK\"1", 1000), 0);
  EXPECT_EQ(lockout.ToJson(1000),
            "{\"max_failures\":0,\"lock_ms\":5000,\"locks\":2,\"refused\":1,\"keys\":{"
            "\"AK\\\"1\":{\"failures\":1,\"locked_for_ms\":4000},"
            "\"AK2\":{\"failures\":1,\"locked_for_ms\":4000}}}");
  lockout.Clear();
  EXPECT_EQ(lockout.CheckLocked("AK\"1", 1000), 0);
}

TEST(AkLockoutTest, TracksABoundedNumberOfKeys) {
  AkLockout lockout({.max_failures = 5, .lock_ms = 1000});
  for (size_t i = 0; i < AkLockout::kMaxKeys; ++i) lockout.RecordFailure(std::to_string(i), 0);
  // Full of merely failing keys: they are forgotten to make room.
  for (int i = 0; i < 6; ++i) lockout.RecordFailure("new", 0);
  EXPECT_GT(lockout.CheckLocked("new", 0), 0);
}

}  // namespace
}  // namespace hss::sim
