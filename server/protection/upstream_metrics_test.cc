#include "server/protection/upstream_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

TEST(UpstreamMetricsTest, SnapshotReadsEveryCounter) {
  UpstreamMetrics metrics;
  metrics.upstream_requests = 12;
  metrics.retries = 3;
  metrics.cache_bytes = 4096;
  metrics.breaker_state = static_cast<std::int64_t>(BreakerStateValue::kOpen);
  const UpstreamMetricsSnapshot snapshot = metrics.Snapshot();
  EXPECT_EQ(snapshot.upstream_requests, 12);
  EXPECT_EQ(snapshot.retries, 3);
  EXPECT_EQ(snapshot.cache_bytes, 4096);
  EXPECT_EQ(snapshot.breaker_state, 1);
  EXPECT_EQ(snapshot.coalesced, 0);
}

TEST(UpstreamMetricsTest, ToTextHasOneNameValueLinePerCounterInOrder) {
  UpstreamMetrics metrics;
  metrics.upstream_requests = 5;
  metrics.breaker_rejections = 2;
  EXPECT_EQ(metrics.ToText(),
            "upstream_requests 5\n"
            "retries 0\n"
            "rate_limit_waits 0\n"
            "rate_limited_rejections 0\n"
            "coalesced 0\n"
            "cache_hits 0\n"
            "cache_misses 0\n"
            "cache_bypasses 0\n"
            "cache_entries 0\n"
            "cache_bytes 0\n"
            "breaker_state 0\n"
            "breaker_opens 0\n"
            "breaker_rejections 2\n"
            "shared_state_mode 0\n"
            "shared_rate_limit_fallbacks 0\n"
            "shared_cool_downs 0\n"
            "shared_cache_hits 0\n"
            "shared_coalesced 0\n"
            "shared_page_fallbacks 0\n");
}

}  // namespace
}  // namespace hss::gateway
