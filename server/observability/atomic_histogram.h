#ifndef HSS_SERVER_OBSERVABILITY_ATOMIC_HISTOGRAM_H_
#define HSS_SERVER_OBSERVABILITY_ATOMIC_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "prometheus/client_metric.h"

namespace hss::gateway {

// Upper bounds, in seconds, of the latency histograms' buckets: the
// go-grpc-prometheus defaults, then longer ones for page walks.
inline constexpr std::array<double, 14> kLatencyBucketsSeconds = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

// A latency histogram with the fixed buckets kLatencyBucketsSeconds, updated
// with relaxed atomics only (prometheus::Histogram takes a mutex per
// observation). A scrape reads each value atomically; buckets, count and sum
// are not one atomic snapshot, which Prometheus tolerates.
class AtomicHistogram {
 public:
  // Records one observation.
  void Observe(absl::Duration value);

  // The histogram as prometheus-cpp exposes it (cumulative buckets, +Inf last).
  prometheus::ClientMetric::Histogram Read() const;

 private:
  // One count per bucket (not cumulative), then the +Inf bucket.
  std::array<std::atomic<std::uint64_t>, kLatencyBucketsSeconds.size() + 1> buckets_{};
  std::atomic<std::int64_t> sum_nanos_{0};
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_OBSERVABILITY_ATOMIC_HISTOGRAM_H_
