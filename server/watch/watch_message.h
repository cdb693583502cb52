#ifndef HSS_SERVER_WATCH_WATCH_MESSAGE_H_
#define HSS_SERVER_WATCH_WATCH_MESSAGE_H_

#include <memory>
#include <string>
#include <vector>

#include "hss/ports/v1/ports.pb.h"

namespace hss::gateway {

// One WatchPortsResponse as every watcher of a poller writes it: built and
// serialized once per poll, then shared, immutable, by all their queues and
// streams (a thousand watchers of one server hold one copy, not a thousand).
struct WatchMessage {
  // The message.
  hss::ports::v1::WatchPortsResponse response;
  // `response` serialized: the bytes a stream writes.
  std::string bytes;
};

// A message shared by the watchers that receive it.
using SharedWatchMessage = std::shared_ptr<const WatchMessage>;

// Serializes each of `responses` once and wraps it for sharing.
std::vector<SharedWatchMessage> ShareMessages(
    std::vector<hss::ports::v1::WatchPortsResponse> responses);

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_WATCH_MESSAGE_H_
