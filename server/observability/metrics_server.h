#ifndef HSS_SERVER_OBSERVABILITY_METRICS_SERVER_H_
#define HSS_SERVER_OBSERVABILITY_METRICS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"

namespace hss::gateway {

// The HTTP endpoint Prometheus scrapes: GET /metrics in the text format,
// served by prometheus-cpp's pull Exposer (civetweb, its own threads).
class MetricsServer {
 public:
  // Listens on `listen` ("127.0.0.1:9464"; port 0 picks a free one) and
  // serves `collectables` at /metrics. Fails with the address in the message
  // when it cannot listen, and for an IPv6 address: Debian's civetweb is built
  // without IPv6.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& listen,
      std::vector<std::shared_ptr<prometheus::Collectable>> collectables);

  // The port it listens on.
  int port() const;

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                std::vector<std::shared_ptr<prometheus::Collectable>> collectables);

  // Declared first so that it goes last: it holds weak references to them.
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_OBSERVABILITY_METRICS_SERVER_H_
