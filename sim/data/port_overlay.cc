#include "sim/data/port_overlay.h"

#include <string_view>
#include <utility>

namespace hss::sim {
namespace {

bool IsUnknownSpelling(std::string_view status) {
  return status == "unknown" || status == "unknow";
}

}  // namespace

bool MatchesRecord(const PortRecord& record, const PortFilter& filter) {
  if (filter.port && record.port != *filter.port) return false;
  if (filter.type && record.type != *filter.type) return false;
  if (filter.status) {
    if (!record.status) return false;
    if (IsUnknownSpelling(*filter.status)) return IsUnknownSpelling(*record.status);
    return *record.status == *filter.status;
  }
  return true;
}

bool SameIdentity(const PortRecord& a, const PortRecord& b) {
  return a.type == b.type && a.laddr == b.laddr && a.port == b.port &&
         a.container_id == b.container_id;
}

void PortOverlay::Add(PortRecord record) { added_.push_back(std::move(record)); }

void PortOverlay::Remove(const Position& position) {
  if (position.added) {
    if (position.index < added_.size()) added_[position.index].reset();
    return;
  }
  removed_.insert(position.index);
  modified_.erase(position.index);
}

void PortOverlay::Replace(const Position& position, PortRecord record) {
  if (position.added) {
    if (position.index < added_.size() && added_[position.index]) {
      added_[position.index] = std::move(record);
    }
    return;
  }
  if (removed_.count(position.index) == 0) modified_[position.index] = std::move(record);
}

std::optional<PortRecord> PortOverlay::At(const HostPorts& host, uint64_t count,
                                          const Position& position) const {
  if (position.added) {
    if (position.index >= added_.size()) return std::nullopt;
    return added_[position.index];
  }
  if (position.index >= count || removed_.count(position.index) > 0) return std::nullopt;
  if (auto it = modified_.find(position.index); it != modified_.end()) return it->second;
  return host.At(position.index);
}

std::optional<PortOverlay::Position> PortOverlay::Find(const HostPorts& host, uint64_t count,
                                                       const PortRecord& identity) const {
  for (uint64_t i = 0; i < count; ++i) {
    if (removed_.count(i) > 0) continue;
    if (auto it = modified_.find(i); it != modified_.end()) {
      if (SameIdentity(it->second, identity)) return Position{false, i};
      continue;
    }
    const PortCore core = host.CoreAt(i);
    if (core.port != identity.port || (core.udp ? "UDP" : "TCP") != identity.type) continue;
    if (SameIdentity(host.At(i), identity)) return Position{false, i};
  }
  for (uint64_t i = 0; i < added_.size(); ++i) {
    if (added_[i] && SameIdentity(*added_[i], identity)) return Position{true, i};
  }
  return std::nullopt;
}

uint64_t PortOverlay::Size(uint64_t count) const {
  uint64_t size = count;
  for (uint64_t i : removed_) {
    if (i < count) --size;
  }
  for (const auto& record : added_) size += record ? 1 : 0;
  return size;
}

PortPage PortOverlay::Query(const HostPorts& host, uint64_t count, const PortFilter& filter,
                            uint64_t offset, uint64_t limit) const {
  PortPage page;
  uint64_t rank = 0;
  const auto take = [&](auto&& make) {
    if (rank >= offset && rank - offset < limit) page.data_list.push_back(make());
    ++rank;
  };
  for (uint64_t i = 0; i < count; ++i) {
    if (removed_.count(i) > 0) continue;
    if (auto it = modified_.find(i); it != modified_.end()) {
      if (MatchesRecord(it->second, filter)) take([&] { return it->second; });
      continue;
    }
    if (Matches(host.CoreAt(i), filter)) take([&] { return host.At(i); });
  }
  for (const auto& record : added_) {
    if (record && MatchesRecord(*record, filter)) take([&] { return *record; });
  }
  page.total_num = rank;
  return page;
}

}  // namespace hss::sim
