#ifndef HSS_SIM_DATA_PORT_QUERY_H_
#define HSS_SIM_DATA_PORT_QUERY_H_

// Filtering and paging of a simulated host's port list: exactly what the simulator answers for
// `GET /v5/{project_id}/asset/ports`, callable from tests to compute the expected output.
//
// Filter semantics: `port` and `type` match exactly; `status` "unknown" and "unknow" are the same
// filter and match records carrying either spelling; a record without the filtered field never
// matches. host_name, host_ip and enterprise_project_id are validated but do not filter (records
// carry no such fields). Records keep index order, so page k of a fixed host is stable.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/data/port_generator.h"

namespace hss::sim {

// The optional filters of the API (all present ones must match).
struct PortFilter {
  // Exact port, 1..65535.
  std::optional<int> port;
  // "TCP" or "UDP".
  std::optional<std::string> type;
  // "normal", "danger", "unknown" or "unknow" (the last two are equivalent).
  std::optional<std::string> status;

  // True if no filter is set (paging is then O(limit)).
  bool empty() const { return !port && !type && !status; }
};

// True if the record with filterable fields `core` passes `filter`.
bool Matches(const PortCore& core, const PortFilter& filter);

// One answered page: `{"total_num": N, "data_list": [...]}`.
struct PortPage {
  // Matching records in the whole list (not just this page).
  uint64_t total_num = 0;
  // The matching records at positions [offset, offset + limit) of the filtered list.
  std::vector<PortRecord> data_list;
};

// The page the simulator answers for a host of `count` ports. Unfiltered: O(limit). Filtered:
// scans all `count` records (cheaply, without building strings).
PortPage QueryPorts(const HostPorts& host, uint64_t count, const PortFilter& filter,
                    uint64_t offset, uint64_t limit);

// Convenience overload building the HostPorts from `key`.
PortPage QueryPorts(const HostKey& key, uint64_t count, const PortFilter& filter, uint64_t offset,
                    uint64_t limit);

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_PORT_QUERY_H_
