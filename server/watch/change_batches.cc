#include "server/watch/change_batches.h"

#include <algorithm>

namespace hss::gateway {

using hss::ports::v1::PortChange;
using hss::ports::v1::WatchPortsResponse;

std::vector<WatchPortsResponse> ChangeMessages(const std::vector<PortChange>& changes,
                                               int held_before, const BatchOptions& options) {
  std::vector<WatchPortsResponse> out;
  const size_t per_message = static_cast<size_t>(std::max(1, options.max_changes_per_message));
  int held = held_before;
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i % per_message == 0) {
      out.emplace_back().set_interval_seconds(options.interval_seconds);
    }
    WatchPortsResponse& message = out.back();
    *message.add_changes() = changes[i];
    if (changes[i].kind() == PortChange::KIND_ADDED) ++held;
    if (changes[i].kind() == PortChange::KIND_REMOVED) --held;
    message.set_total_num(held);
  }
  if (!out.empty()) out.back().set_synced(true);
  return out;
}

std::vector<WatchPortsResponse> SnapshotMessages(const PortSet& ports,
                                                 const BatchOptions& options) {
  std::vector<PortChange> changes;
  changes.reserve(ports.size());
  for (const auto& [identity, port] : ports) {
    PortChange& change = changes.emplace_back();
    change.set_kind(PortChange::KIND_ADDED);
    *change.mutable_port() = port;
  }
  std::vector<WatchPortsResponse> out = ChangeMessages(changes, 0, options);
  if (out.empty()) out.push_back(HeartbeatMessage(0, options));
  out.front().set_reset(true);
  return out;
}

WatchPortsResponse HeartbeatMessage(int held, const BatchOptions& options) {
  WatchPortsResponse message;
  message.set_synced(true);
  message.set_total_num(held);
  message.set_interval_seconds(options.interval_seconds);
  return message;
}

}  // namespace hss::gateway
