#ifndef HSS_SIM_DATA_PORT_JSON_H_
#define HSS_SIM_DATA_PORT_JSON_H_

#include <cstdint>
#include <optional>
#include <string>

#include "sim/data/port_generator.h"
#include "sim/data/port_query.h"

namespace hss::sim {

// Appends one PortResponseInfo object, keys in the live API's (alphabetical) order:
// agent_id, container_id, host_id, laddr, path, pid, port, status, type. Omitted fields are
// left out; a nullopt container_id is written as null.
void AppendPortRecordJson(const PortRecord& record, std::string& out);

// The 200 body `{"total_num":N,"data_list":[...]}` of `page`.
std::string ListPortsJson(const PortPage& page);

// The same bytes as ListPortsJson(QueryPorts(host, count, filter, offset, limit)), written
// straight from the generator without building PortRecords (the server's fast path); with
// `reported_total` set, total_num says that instead of the true count.
std::string ListPortsJson(const HostPorts& host, uint64_t count, const PortFilter& filter,
                          uint64_t offset, uint64_t limit,
                          std::optional<uint64_t> reported_total = std::nullopt);

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_PORT_JSON_H_
