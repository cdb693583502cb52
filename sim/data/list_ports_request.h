#ifndef HSS_SIM_DATA_LIST_PORTS_REQUEST_H_
#define HSS_SIM_DATA_LIST_PORTS_REQUEST_H_

// Validation of the query parameters of `GET /v5/{project_id}/asset/ports` (docs/hss-api.md).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/uri_encoding.h"
#include "sim/data/port_generator.h"
#include "sim/data/port_query.h"

namespace hss::sim {

// The accepted ranges of limit and offset (the current HSS values by default).
struct ListPortsLimits {
  // Smallest accepted `limit`.
  int64_t min_limit = 10;
  // Largest accepted `limit`.
  int64_t max_limit = 200;
  // Largest accepted `offset`.
  int64_t max_offset = 2'000'000;
};

// A validated ListPorts request.
struct ListPortsRequest {
  // Required, 1..128 characters.
  std::string host_id;
  // Optional, ≤128 characters; validated, not used as a filter.
  std::string host_name;
  // Optional, ≤128 characters; validated, not used as a filter.
  std::string host_ip;
  // Optional, ≤256 characters; validated, not used.
  std::string enterprise_project_id;
  // port / type / status filters.
  PortFilter filter;
  // Page size (default 10).
  int64_t limit = 10;
  // Records to skip (default 0).
  int64_t offset = 0;
  // "host" (default) or "container".
  Category category = Category::kHost;
};

// Validates decoded query parameters. Unknown parameters are ignored; for a repeated parameter
// the first value counts. Numbers must be plain decimal integers. Returns InvalidArgument with
// the error_msg of the HSS.0001 answer for anything out of range.
absl::StatusOr<ListPortsRequest> ParseListPortsRequest(const std::vector<QueryParam>& query,
                                                       const ListPortsLimits& limits = {});

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_LIST_PORTS_REQUEST_H_
