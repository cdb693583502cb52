#ifndef HSS_SERVER_WATCH_CHANGE_BATCHES_H_
#define HSS_SERVER_WATCH_CHANGE_BATCHES_H_

#include <vector>

#include "hss/ports/v1/ports.pb.h"
#include "server/watch/port_identity.h"

namespace hss::gateway {

// How a batch of changes becomes WatchPortsResponse messages.
struct BatchOptions {
  // Changes per message, at most (a large poll becomes several messages).
  int max_changes_per_message = 500;
  // WatchPortsResponse.interval_seconds of every message.
  int interval_seconds = 0;
};

// The messages carrying `changes` (one poll's) for a watcher that holds
// `held_before` ports: in order, at most max_changes_per_message each,
// `synced` on the last, `total_num` = the ports held after each message. No
// changes gives no messages.
std::vector<hss::ports::v1::WatchPortsResponse> ChangeMessages(
    const std::vector<hss::ports::v1::PortChange>& changes, int held_before,
    const BatchOptions& options);

// The messages of a snapshot: every port of `ports` as KIND_ADDED, `reset` on
// the first, `synced` on the last; an empty set gives one message with
// `reset` and `synced` and no changes.
std::vector<hss::ports::v1::WatchPortsResponse> SnapshotMessages(const PortSet& ports,
                                                                 const BatchOptions& options);

// A `synced` message without changes (a heartbeat) for a watcher holding
// `held` ports.
hss::ports::v1::WatchPortsResponse HeartbeatMessage(int held, const BatchOptions& options);

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_CHANGE_BATCHES_H_
