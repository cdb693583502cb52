#include "server/protection/page_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/testing/fake_hss_stub.h"

namespace hss::gateway {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

PageCacheOptions Options(std::int64_t max_bytes, absl::Duration ttl = absl::Seconds(30)) {
  PageCacheOptions options;
  options.enabled = true;
  options.ttl = ttl;
  options.max_bytes = max_bytes;
  return options;
}

TEST(PageCacheTest, HitUntilTheTtlExpires) {
  auto metrics = std::make_shared<UpstreamMetrics>();
  PageCache cache(Options(1 << 20), metrics);
  EXPECT_FALSE(cache.Lookup("k", kT0).has_value());
  cache.Insert("k", TestPage(4), kT0);
  auto hit = cache.Lookup("k", kT0 + absl::Seconds(29));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->response.data_list_size(), 4);
  EXPECT_EQ(hit->request_id, "req-1");
  EXPECT_EQ(metrics->cache_entries.load(), 1);
  EXPECT_EQ(metrics->cache_bytes.load(), PageCache::EntryBytes("k", TestPage(4)));
  EXPECT_FALSE(cache.Lookup("k", kT0 + absl::Seconds(30)).has_value());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0);
  EXPECT_EQ(metrics->cache_entries.load(), 0);
  EXPECT_EQ(metrics->cache_bytes.load(), 0);
}

TEST(PageCacheTest, EvictsLeastRecentlyUsedToStayWithinTheBudget) {
  const std::int64_t one = PageCache::EntryBytes("a", TestPage(10));
  PageCache cache(Options(3 * one), nullptr);
  cache.Insert("a", TestPage(10), kT0);
  cache.Insert("b", TestPage(10), kT0);
  cache.Insert("c", TestPage(10), kT0);
  EXPECT_EQ(cache.bytes(), 3 * one);
  ASSERT_TRUE(cache.Lookup("a", kT0).has_value());  // "b" is now the oldest.
  cache.Insert("d", TestPage(10), kT0);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Lookup("b", kT0).has_value());
  EXPECT_TRUE(cache.Lookup("a", kT0).has_value());
  EXPECT_TRUE(cache.Lookup("c", kT0).has_value());
  EXPECT_TRUE(cache.Lookup("d", kT0).has_value());
  EXPECT_LE(cache.bytes(), 3 * one);
}

TEST(PageCacheTest, ReplacingAnEntryKeepsTheAccountRight) {
  PageCache cache(Options(1 << 20), nullptr);
  cache.Insert("k", TestPage(50), kT0);
  cache.Insert("k", TestPage(1), kT0 + absl::Seconds(20));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.bytes(), PageCache::EntryBytes("k", TestPage(1)));
  // The newer page is fresh for its own TTL.
  auto hit = cache.Lookup("k", kT0 + absl::Seconds(45));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->response.data_list_size(), 1);
}

TEST(PageCacheTest, PageLargerThanTheBudgetIsNotStored) {
  PageCache cache(Options(PageCache::EntryBytes("k", TestPage(10)) - 1), nullptr);
  cache.Insert("k", TestPage(10), kT0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0);
}

TEST(PageCacheTest, EntryBytesCountsThePageAndTheKey) {
  const PortsPage page = TestPage(3);
  EXPECT_EQ(PageCache::EntryBytes("key", page),
            static_cast<std::int64_t>(page.response.ByteSizeLong() + 3 + page.request_id.size()));
}

}  // namespace
}  // namespace hss::gateway
