#ifndef HSS_SERVER_OBSERVABILITY_PROTECTION_COLLECTOR_H_
#define HSS_SERVER_OBSERVABILITY_PROTECTION_COLLECTOR_H_

#include <memory>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "server/protection/upstream_metrics.h"

namespace hss::gateway {

// Exposes the upstream protections' counters (UpstreamMetrics, kept by the
// protection decorators with atomics) as hss_upstream_* families, read at
// scrape time: recording costs the decorators nothing more than it did.
class ProtectionCollector final : public prometheus::Collectable {
 public:
  explicit ProtectionCollector(std::shared_ptr<const UpstreamMetrics> metrics);

  // Every family, for a scrape.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::shared_ptr<const UpstreamMetrics> metrics_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_OBSERVABILITY_PROTECTION_COLLECTOR_H_
