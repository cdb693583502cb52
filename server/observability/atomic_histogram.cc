#include "server/observability/atomic_histogram.h"

namespace hss::gateway {

void AtomicHistogram::Observe(absl::Duration value) {
  const double seconds = absl::ToDoubleSeconds(value);
  size_t i = 0;
  while (i < kLatencyBucketsSeconds.size() && seconds > kLatencyBucketsSeconds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(absl::ToInt64Nanoseconds(value), std::memory_order_relaxed);
}

prometheus::ClientMetric::Histogram AtomicHistogram::Read() const {
  prometheus::ClientMetric::Histogram h;
  std::uint64_t cumulative = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    prometheus::ClientMetric::Bucket bucket;
    bucket.cumulative_count = cumulative;
    bucket.upper_bound = i < kLatencyBucketsSeconds.size()
                             ? kLatencyBucketsSeconds[i]
                             : std::numeric_limits<double>::infinity();
    h.bucket.push_back(bucket);
  }
  h.sample_count = cumulative;
  h.sample_sum = static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) * 1e-9;
  return h;
}

}  // namespace hss::gateway
