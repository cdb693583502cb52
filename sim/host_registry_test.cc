#include "sim/host_registry.h"

#include <gtest/gtest.h>

namespace hss::sim {
namespace {

TEST(HostRegistryTest, ParsesHostSizes) {
  absl::StatusOr<std::vector<HostSize>> sizes =
      ParseHostSizes("h1:10,big:1000000:container,,a:b:7");
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  ASSERT_EQ(sizes->size(), 3u);
  EXPECT_EQ((*sizes)[0].host_id, "h1");
  EXPECT_EQ((*sizes)[0].count, 10u);
  EXPECT_EQ((*sizes)[1].category, Category::kContainer);
  EXPECT_EQ((*sizes)[1].count, 1000000u);
  EXPECT_EQ((*sizes)[2].host_id, "a:b");  // Split from the right.
  EXPECT_TRUE(ParseHostSizes("").ok());
  for (const char* bad : {"h1", "h1:", ":5", "h1:x", "h1:-1", "h1:5:vm:"}) {
    EXPECT_FALSE(ParseHostSizes(bad).ok()) << bad;
  }
}

TEST(HostRegistryTest, ConfiguredThenDefaultCounts) {
  HostRegistry hosts({{"h1", Category::kHost, 5}}, std::nullopt);
  EXPECT_EQ(hosts.CountFor({1, "h1", Category::kHost}), 5u);
  const HostKey other{1, "h1", Category::kContainer};
  EXPECT_EQ(hosts.CountFor(other), DefaultPortCount(other));
  hosts.Set({"h1", Category::kHost, 9});
  EXPECT_EQ(hosts.CountFor({1, "h1", Category::kHost}), 9u);
  hosts.Reset();
  EXPECT_EQ(hosts.CountFor({1, "h1", Category::kHost}), 5u);

  HostRegistry fixed({}, 42);
  EXPECT_EQ(fixed.CountFor({1, "anything", Category::kHost}), 42u);
}

}  // namespace
}  // namespace hss::sim
