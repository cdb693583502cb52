#include "sim/data/port_query.h"

#include <algorithm>

namespace hss::sim {
namespace {

bool IsUnknownSpelling(std::string_view status) {
  return status == "unknown" || status == "unknow";
}

}  // namespace

bool Matches(const PortCore& core, const PortFilter& filter) {
  if (filter.port && core.port != *filter.port) return false;
  if (filter.type && *filter.type != (core.udp ? "UDP" : "TCP")) return false;
  if (filter.status) {
    if (core.status < 0) return false;
    const std::string_view have = StatusName(core.status);
    if (IsUnknownSpelling(*filter.status)) return IsUnknownSpelling(have);
    return have == *filter.status;
  }
  return true;
}

PortPage QueryPorts(const HostPorts& host, uint64_t count, const PortFilter& filter,
                    uint64_t offset, uint64_t limit) {
  PortPage page;
  if (filter.empty()) {
    page.total_num = count;
    if (offset < count) {
      const uint64_t end = offset + std::min(limit, count - offset);
      page.data_list.reserve(end - offset);
      for (uint64_t i = offset; i < end; ++i) page.data_list.push_back(host.At(i));
    }
    return page;
  }
  uint64_t rank = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (!Matches(host.CoreAt(i), filter)) continue;
    if (rank >= offset && rank - offset < limit) page.data_list.push_back(host.At(i));
    ++rank;
  }
  page.total_num = rank;
  return page;
}

PortPage QueryPorts(const HostKey& key, uint64_t count, const PortFilter& filter, uint64_t offset,
                    uint64_t limit) {
  return QueryPorts(HostPorts(key), count, filter, offset, limit);
}

}  // namespace hss::sim
