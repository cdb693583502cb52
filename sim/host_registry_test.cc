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

TEST(HostRegistryTest, ParsesHostChurn) {
  absl::StatusOr<std::vector<HostChurn>> churn = ParseHostChurn("h1:1:1000,a:b:2.5:300");
  ASSERT_TRUE(churn.ok()) << churn.status();
  ASSERT_EQ(churn->size(), 2u);
  EXPECT_EQ((*churn)[0].host_id, "h1");
  EXPECT_EQ((*churn)[0].percent, 1.0);
  EXPECT_EQ((*churn)[0].interval_ms, 1000);
  EXPECT_EQ((*churn)[1].host_id, "a:b");
  EXPECT_EQ((*churn)[1].percent, 2.5);
  EXPECT_TRUE(ParseHostChurn("")->empty());
  for (const char* bad : {"h1", "h1:1", ":1:1", "h1:0:10", "h1:101:10", "h1:1:0", "h1:x:10"}) {
    EXPECT_FALSE(ParseHostChurn(bad).ok()) << bad;
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
