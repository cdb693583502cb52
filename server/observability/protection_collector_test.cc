#include "server/observability/protection_collector.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

TEST(ProtectionCollectorTest, ReadsTheProtectionCountersAtScrapeTime) {
  auto metrics = std::make_shared<UpstreamMetrics>();
  ProtectionCollector collector(metrics);
  metrics->upstream_requests = 9;
  metrics->retries = 2;
  metrics->rate_limit_waits = 3;
  metrics->rate_limited_rejections = 1;
  metrics->coalesced = 4;
  metrics->cache_hits = 5;
  metrics->cache_misses = 6;
  metrics->cache_bypasses = 7;
  metrics->cache_entries = 8;
  metrics->cache_bytes = 1000;
  metrics->breaker_state = static_cast<std::int64_t>(BreakerStateValue::kOpen);
  metrics->breaker_opens = 1;
  metrics->breaker_rejections = 11;
  metrics->shared_state_mode = static_cast<std::int64_t>(SharedStateModeValue::kLocalFallback);
  metrics->shared_rate_limit_fallbacks = 12;
  metrics->shared_cool_downs = 13;
  metrics->shared_cache_hits = 14;
  metrics->shared_coalesced = 15;
  metrics->shared_page_fallbacks = 16;
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, collector.Collect());
  const std::string text = out.str();
  for (const char* line : {"hss_upstream_attempts_total 9\n",
                           "hss_upstream_retries_total 2\n",
                           "hss_upstream_rate_limit_waits_total 3\n",
                           "hss_upstream_rate_limit_rejections_total 1\n",
                           "hss_upstream_coalesced_total 4\n",
                           "hss_upstream_cache_hits_total 5\n",
                           "hss_upstream_cache_misses_total 6\n",
                           "hss_upstream_cache_bypasses_total 7\n",
                           "hss_upstream_cache_entries 8\n",
                           "hss_upstream_cache_bytes 1000\n",
                           "hss_upstream_breaker_state 1\n",
                           "hss_upstream_breaker_opens_total 1\n",
                           "hss_upstream_breaker_rejections_total 11\n",
                           "hss_upstream_shared_state_mode 2\n",
                           "hss_upstream_shared_rate_limit_fallbacks_total 12\n",
                           "hss_upstream_shared_cool_downs_total 13\n",
                           "hss_upstream_shared_cache_hits_total 14\n",
                           "hss_upstream_shared_coalesced_total 15\n",
                           "hss_upstream_shared_page_fallbacks_total 16\n",
                           "# TYPE hss_upstream_cache_bytes gauge",
                           "# TYPE hss_upstream_shared_state_mode gauge"}) {
    EXPECT_THAT(text, HasSubstr(line));
  }
}

}  // namespace
}  // namespace hss::gateway
