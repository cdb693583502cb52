#include "server/protection/upstream_metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hss::gateway {
namespace {

// The one list of counters: exported name, live counter and snapshot field.
struct Field {
  absl::string_view name;
  std::atomic<std::int64_t> UpstreamMetrics::*live;
  std::int64_t UpstreamMetricsSnapshot::*copy;
};

constexpr Field kFields[] = {
    {"upstream_requests", &UpstreamMetrics::upstream_requests,
     &UpstreamMetricsSnapshot::upstream_requests},
    {"retries", &UpstreamMetrics::retries, &UpstreamMetricsSnapshot::retries},
    {"rate_limit_waits", &UpstreamMetrics::rate_limit_waits,
     &UpstreamMetricsSnapshot::rate_limit_waits},
    {"rate_limited_rejections", &UpstreamMetrics::rate_limited_rejections,
     &UpstreamMetricsSnapshot::rate_limited_rejections},
    {"coalesced", &UpstreamMetrics::coalesced, &UpstreamMetricsSnapshot::coalesced},
    {"cache_hits", &UpstreamMetrics::cache_hits, &UpstreamMetricsSnapshot::cache_hits},
    {"cache_misses", &UpstreamMetrics::cache_misses, &UpstreamMetricsSnapshot::cache_misses},
    {"cache_bypasses", &UpstreamMetrics::cache_bypasses, &UpstreamMetricsSnapshot::cache_bypasses},
    {"cache_entries", &UpstreamMetrics::cache_entries, &UpstreamMetricsSnapshot::cache_entries},
    {"cache_bytes", &UpstreamMetrics::cache_bytes, &UpstreamMetricsSnapshot::cache_bytes},
    {"breaker_state", &UpstreamMetrics::breaker_state, &UpstreamMetricsSnapshot::breaker_state},
    {"breaker_opens", &UpstreamMetrics::breaker_opens, &UpstreamMetricsSnapshot::breaker_opens},
    {"breaker_rejections", &UpstreamMetrics::breaker_rejections,
     &UpstreamMetricsSnapshot::breaker_rejections},
    {"shared_state_mode", &UpstreamMetrics::shared_state_mode,
     &UpstreamMetricsSnapshot::shared_state_mode},
    {"shared_rate_limit_fallbacks", &UpstreamMetrics::shared_rate_limit_fallbacks,
     &UpstreamMetricsSnapshot::shared_rate_limit_fallbacks},
    {"shared_cool_downs", &UpstreamMetrics::shared_cool_downs,
     &UpstreamMetricsSnapshot::shared_cool_downs},
    {"shared_cache_hits", &UpstreamMetrics::shared_cache_hits,
     &UpstreamMetricsSnapshot::shared_cache_hits},
    {"shared_coalesced", &UpstreamMetrics::shared_coalesced,
     &UpstreamMetricsSnapshot::shared_coalesced},
    {"shared_page_fallbacks", &UpstreamMetrics::shared_page_fallbacks,
     &UpstreamMetricsSnapshot::shared_page_fallbacks},
};

}  // namespace

UpstreamMetricsSnapshot UpstreamMetrics::Snapshot() const {
  UpstreamMetricsSnapshot snapshot;
  for (const Field& field : kFields) {
    snapshot.*(field.copy) = (this->*(field.live)).load(std::memory_order_relaxed);
  }
  return snapshot;
}

std::string UpstreamMetrics::ToText() const {
  const UpstreamMetricsSnapshot snapshot = Snapshot();
  std::string text;
  for (const Field& field : kFields) {
    absl::StrAppend(&text, field.name, " ", snapshot.*(field.copy), "\n");
  }
  return text;
}

}  // namespace hss::gateway
