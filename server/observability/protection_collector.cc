#include "server/observability/protection_collector.h"

#include <string>
#include <utility>

namespace hss::gateway {
namespace {

prometheus::MetricFamily One(std::string name, std::string help, prometheus::MetricType type,
                             std::int64_t value) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = static_cast<double>(value);
  } else {
    metric.gauge.value = static_cast<double>(value);
  }
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

ProtectionCollector::ProtectionCollector(std::shared_ptr<const UpstreamMetrics> metrics)
    : metrics_(std::move(metrics)) {}

std::vector<prometheus::MetricFamily> ProtectionCollector::Collect() const {
  using prometheus::MetricType;
  const UpstreamMetricsSnapshot s = metrics_->Snapshot();
  return {
      One("hss_upstream_attempts_total",
          "Calls handed to the REST stub (HSS requests sent or about to be), retries included.",
          MetricType::Counter, s.upstream_requests),
      One("hss_upstream_retries_total", "Retry attempts scheduled by the retry policy.",
          MetricType::Counter, s.retries),
      One("hss_upstream_rate_limit_waits_total", "Calls that waited for a rate-limiter slot.",
          MetricType::Counter, s.rate_limit_waits),
      One("hss_upstream_rate_limit_rejections_total",
          "Calls failed with GATEWAY_RATE_LIMITED (no slot before their deadline).",
          MetricType::Counter, s.rate_limited_rejections),
      One("hss_upstream_coalesced_total",
          "Calls that joined an identical call in flight instead of calling HSS.",
          MetricType::Counter, s.coalesced),
      One("hss_upstream_cache_hits_total", "Calls answered from the page cache.",
          MetricType::Counter, s.cache_hits),
      One("hss_upstream_cache_misses_total", "Cache lookups that found nothing fresh.",
          MetricType::Counter, s.cache_misses),
      One("hss_upstream_cache_bypasses_total", "Calls that skipped the cache (no-cache).",
          MetricType::Counter, s.cache_bypasses),
      One("hss_upstream_cache_entries", "Pages in the page cache.", MetricType::Gauge,
          s.cache_entries),
      One("hss_upstream_cache_bytes", "Bytes the page cache accounts for.", MetricType::Gauge,
          s.cache_bytes),
      One("hss_upstream_breaker_state", "Circuit breaker state: 0 closed, 1 open, 2 half-open.",
          MetricType::Gauge, s.breaker_state),
      One("hss_upstream_breaker_opens_total", "Times the circuit breaker opened.",
          MetricType::Counter, s.breaker_opens),
      One("hss_upstream_breaker_rejections_total",
          "Calls failed fast by an open (or probing) circuit breaker.", MetricType::Counter,
          s.breaker_rejections),
      One("hss_upstream_shared_state_mode",
          "How rate limits are enforced: 0 by this replica alone (no --shared_state), 1 shared "
          "by every replica through Redis, 2 local fallback (Redis unreachable: this replica's "
          "share of the limits).",
          MetricType::Gauge, s.shared_state_mode),
      One("hss_upstream_shared_rate_limit_fallbacks_total",
          "Calls paced by this replica's share of the limits because Redis could not decide.",
          MetricType::Counter, s.shared_rate_limit_fallbacks),
      One("hss_upstream_shared_cool_downs_total",
          "HSS 429 answers that set the identity's cool-down for every replica.",
          MetricType::Counter, s.shared_cool_downs),
      One("hss_upstream_shared_cache_hits_total",
          "Calls answered from the page cache the replicas share in Redis.", MetricType::Counter,
          s.shared_cache_hits),
      One("hss_upstream_shared_coalesced_total",
          "Calls answered by the identical call another replica made to HSS.", MetricType::Counter,
          s.shared_coalesced),
      One("hss_upstream_shared_page_fallbacks_total",
          "Calls fetched without the other replicas because Redis could not tell whether one "
          "of them was fetching it.",
          MetricType::Counter, s.shared_page_fallbacks),
  };
}

}  // namespace hss::gateway
