#include "server/watch/watch_options.h"

#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

TEST(EffectiveIntervalTest, DefaultMinimumAndQuota) {
  WatchOptions options;
  options.default_interval = absl::Seconds(30);
  options.min_interval = absl::Seconds(10);
  EXPECT_EQ(EffectiveInterval(options, absl::ZeroDuration(), 1), absl::Seconds(30));
  EXPECT_EQ(EffectiveInterval(options, absl::Seconds(2), 1), absl::Seconds(10));
  EXPECT_EQ(EffectiveInterval(options, absl::Seconds(45), 1), absl::Seconds(45));
  // 5 calls a minute and 10 pages a poll: one poll per 2 minutes at most.
  options.upstream_calls_per_minute = 5;
  EXPECT_EQ(EffectiveInterval(options, absl::Seconds(45), 10), absl::Minutes(2));
  EXPECT_EQ(EffectiveInterval(options, absl::Seconds(45), 1), absl::Seconds(45));
  // Whole seconds, at least one.
  options.min_interval = absl::Milliseconds(300);
  options.upstream_calls_per_minute = 0;
  EXPECT_EQ(EffectiveInterval(options, absl::Milliseconds(1500), 1), absl::Seconds(2));
  EXPECT_EQ(EffectiveInterval(options, absl::Milliseconds(1), 1), absl::Seconds(1));
}

}  // namespace
}  // namespace hss::gateway
