#include "sim/data/port_generator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

namespace hss::sim {
namespace {

bool IsHex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(PortGeneratorTest, SameKeyAndIndexGiveSameRecord) {
  const HostKey key{7, "host-a", Category::kHost};
  for (uint64_t i : {0ULL, 1ULL, 96ULL, 12345ULL, 999999ULL}) {
    EXPECT_EQ(GeneratePort(key, i), GeneratePort(key, i));
    EXPECT_EQ(HostPorts(key).At(i), GeneratePort(key, i));
  }
}

TEST(PortGeneratorTest, SeedHostAndCategoryChangeTheData) {
  const PortRecord base = GeneratePort({1, "h", Category::kHost}, 5);
  EXPECT_NE(GeneratePort({2, "h", Category::kHost}, 5), base);
  EXPECT_NE(GeneratePort({1, "h2", Category::kHost}, 5), base);
  EXPECT_NE(GeneratePort({1, "h", Category::kContainer}, 5), base);
  EXPECT_NE(GeneratePort({1, "h", Category::kHost}, 6), base);
}

TEST(PortGeneratorTest, AccessIsConstantTimeForHugeIndexes) {
  const HostPorts host({1, "huge", Category::kHost});
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < 1000; ++i) host.At(1'000'000'000'000ULL + i * 7919);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // 1000 records far into a "trillion-port host" must not scan anything.
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(PortGeneratorTest, FieldRulesHold) {
  const HostPorts host({1, "rules", Category::kHost});
  for (uint64_t i = 0; i < 3000; ++i) {
    const PortRecord r = host.At(i);
    SCOPED_TRACE(i);
    EXPECT_EQ(r.host_id, "rules");
    EXPECT_GE(r.port, 1);
    EXPECT_LE(r.port, 65535);
    EXPECT_TRUE(r.type == "TCP" || r.type == "UDP");
    EXPECT_EQ(r.pid.has_value(), i % 97 != 96);
    EXPECT_EQ(r.path.has_value(), i % 101 != 100);
    EXPECT_EQ(r.laddr.has_value(), i % 211 != 210);
    EXPECT_EQ(r.status.has_value(), i % 307 != 306);
    if (i % 89 == 88) {
      EXPECT_FALSE(r.container_id.has_value());
    } else {
      EXPECT_EQ(r.container_id, "");
    }
    ASSERT_TRUE(r.agent_id.has_value());
    EXPECT_EQ(*r.agent_id, host.agent_id());
    EXPECT_TRUE(IsHex64(*r.agent_id));
    if (r.path) {
      EXPECT_LE(r.path->size(), 256u);
    }
    if (r.pid) {
      EXPECT_GT(*r.pid, 0);
    }
  }
}

TEST(PortGeneratorTest, ContainerRecordsCarryContainerIds) {
  const HostPorts host({1, "pod-host", Category::kContainer});
  std::set<std::string> ids;
  for (uint64_t i = 0; i < 70; ++i) {
    const PortRecord r = host.At(i);
    ASSERT_TRUE(r.container_id.has_value());
    EXPECT_TRUE(IsHex64(*r.container_id)) << *r.container_id;
    ids.insert(*r.container_id);
    if (i % 7 != 0) {
      EXPECT_EQ(r.container_id, host.At(i - 1).container_id);
    }
  }
  EXPECT_EQ(ids.size(), 10u);
}

TEST(PortGeneratorTest, DataCoversTheInterestingMix) {
  const HostPorts host({1, "mix", Category::kHost});
  std::set<std::string> statuses, types;
  bool v4 = false, v6 = false, non_ascii = false, control = false, quote = false;
  for (uint64_t i = 0; i < 2000; ++i) {
    const PortRecord r = host.At(i);
    if (r.status) statuses.insert(*r.status);
    types.insert(r.type);
    if (r.laddr) (r.laddr->find(':') == std::string::npos ? v4 : v6) = true;
    if (r.path) {
      for (unsigned char c : *r.path) {
        non_ascii |= c >= 0x80;
        control |= c < 0x20;
        quote |= c == '"' || c == '\\';
      }
    }
  }
  EXPECT_EQ(statuses, (std::set<std::string>{"danger", "normal", "unknow", "unknown"}));
  EXPECT_EQ(types, (std::set<std::string>{"TCP", "UDP"}));
  EXPECT_TRUE(v4);
  EXPECT_TRUE(v6);
  EXPECT_TRUE(non_ascii);
  EXPECT_TRUE(control);
  EXPECT_TRUE(quote);
}

TEST(PortGeneratorTest, CoreAgreesWithRecord) {
  const HostPorts host({3, "core", Category::kHost});
  for (uint64_t i = 0; i < 1000; ++i) {
    const PortCore core = host.CoreAt(i);
    const PortRecord r = host.At(i);
    EXPECT_EQ(core.port, r.port);
    EXPECT_EQ(core.udp, r.type == "UDP");
    EXPECT_EQ(core.status < 0, !r.status.has_value());
    if (r.status) {
      EXPECT_EQ(StatusName(core.status), *r.status);
    }
  }
}

TEST(PortGeneratorTest, DefaultPortCountIsDeterministicAndBounded) {
  std::set<uint64_t> counts;
  for (int i = 0; i < 200; ++i) {
    const HostKey key{1, "host-" + std::to_string(i), Category::kHost};
    const uint64_t n = DefaultPortCount(key);
    EXPECT_LE(n, 300u);
    EXPECT_EQ(n, DefaultPortCount(key));
    counts.insert(n);
  }
  EXPECT_GT(counts.size(), 50u);
}

TEST(PortGeneratorTest, ParsesCategories) {
  EXPECT_EQ(ParseCategory("host"), Category::kHost);
  EXPECT_EQ(ParseCategory("container"), Category::kContainer);
  EXPECT_FALSE(ParseCategory("Host").has_value());
  EXPECT_FALSE(ParseCategory("").has_value());
  EXPECT_EQ(CategoryName(Category::kContainer), "container");
}

}  // namespace
}  // namespace hss::sim
