#include "server/observability/metrics_server.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hss::gateway {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen, std::vector<std::shared_ptr<prometheus::Collectable>> collectables) {
  if (!listen.empty() && listen.front() == '[') {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_listen: cannot listen on ", listen,
        ": the metrics HTTP server (Debian's civetweb) is built without IPv6; use an IPv4 "
        "address, e.g. 127.0.0.1:9464 (or 0.0.0.0:9464 for every interface)"));
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("--metrics_listen: cannot listen on ", listen, ": ", e.what()));
  }
  for (const auto& collectable : collectables) exposer->RegisterCollectable(collectable);
  return std::unique_ptr<MetricsServer>(
      new MetricsServer(std::move(exposer), std::move(collectables)));
}

MetricsServer::MetricsServer(std::unique_ptr<prometheus::Exposer> exposer,
                             std::vector<std::shared_ptr<prometheus::Collectable>> collectables)
    : collectables_(std::move(collectables)), exposer_(std::move(exposer)) {}

int MetricsServer::port() const {
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace hss::gateway
