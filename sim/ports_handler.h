#ifndef HSS_SIM_PORTS_HANDLER_H_
#define HSS_SIM_PORTS_HANDLER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/uri_encoding.h"
#include "sim/data/list_ports_request.h"
#include "sim/host_registry.h"
#include "sim/http_types.h"

namespace hss::sim {

// Answers `GET /v5/{project_id}/asset/ports` once the request got past auth, quota and faults:
// 400 HSS.0001 for invalid parameters, else 200 with the page from QueryPorts.
class PortsHandler {
 public:
  // `hosts` must outlive the handler.
  PortsHandler(uint64_t seed, const HostRegistry* hosts, ListPortsLimits limits);

  // The answer to decoded `query`, with X-Request-Id `request_id`; a valid request gets
  // `extra_rows` more rows than its limit asked for (a misbehaving upstream) and, if
  // `reported_total` is set, says the host has that many ports (a host changing mid-walk).
  SimHttpResponse Handle(const std::vector<QueryParam>& query, const std::string& request_id,
                         uint64_t extra_rows,
                         std::optional<uint64_t> reported_total = std::nullopt) const;

  // The simulator's seed.
  uint64_t seed() const { return seed_; }

 private:
  const uint64_t seed_;
  const HostRegistry* const hosts_;
  const ListPortsLimits limits_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_PORTS_HANDLER_H_
