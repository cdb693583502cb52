#include "server/watch/watch_message.h"

#include <utility>

namespace hss::gateway {

std::vector<SharedWatchMessage> ShareMessages(
    std::vector<hss::ports::v1::WatchPortsResponse> responses) {
  std::vector<SharedWatchMessage> shared;
  shared.reserve(responses.size());
  for (hss::ports::v1::WatchPortsResponse& response : responses) {
    auto message = std::make_shared<WatchMessage>();
    message->response = std::move(response);
    message->response.SerializeToString(&message->bytes);
    shared.push_back(std::move(message));
  }
  return shared;
}

}  // namespace hss::gateway
