#include "sim/ports_handler.h"

#include "sim/data/port_json.h"
#include "sim/data/port_query.h"
#include "sim/error_body.h"

namespace hss::sim {

PortsHandler::PortsHandler(uint64_t seed, const HostRegistry* hosts, ListPortsLimits limits)
    : seed_(seed), hosts_(hosts), limits_(limits) {}

SimHttpResponse PortsHandler::Handle(const std::vector<QueryParam>& query,
                                     const std::string& request_id, uint64_t extra_rows,
                                     std::optional<uint64_t> reported_total) const {
  absl::StatusOr<ListPortsRequest> request = ParseListPortsRequest(query, limits_);
  if (!request.ok()) {
    return ErrorResponse(400, "HSS.0001", std::string(request.status().message()), request_id);
  }
  const HostPorts host(HostKey{seed_, std::move(request->host_id), request->category});
  const uint64_t count = hosts_->CountFor(host.key());
  SimHttpResponse response;
  const uint64_t offset = static_cast<uint64_t>(request->offset);
  const uint64_t limit = static_cast<uint64_t>(request->limit) + extra_rows;
  if (std::shared_ptr<const PortOverlay> overlay = hosts_->OverlayFor(host.key());
      overlay != nullptr && !overlay->empty()) {
    PortPage page = overlay->Query(host, count, request->filter, offset, limit);
    if (reported_total) page.total_num = *reported_total;
    response.body = ListPortsJson(page);
  } else {
    response.body = ListPortsJson(host, count, request->filter, offset, limit, reported_total);
  }
  response.headers.emplace_back("X-Request-Id", request_id);
  return response;
}

}  // namespace hss::sim
