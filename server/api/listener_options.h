#ifndef HSS_SERVER_API_LISTENER_OPTIONS_H_
#define HSS_SERVER_API_LISTENER_OPTIONS_H_

#include <grpcpp/server_builder.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace hss::gateway {

// Connection settings of the gRPC listener that meshes, L4/L7 balancers and
// many clients need (README "Meshes and load balancers"). Durations that are
// absl::InfiniteDuration() mean "no limit".
struct ListenerOptions {
  // The server pings an idle connection this often (GRPC_ARG_KEEPALIVE_TIME_MS).
  absl::Duration keepalive_time = absl::Minutes(1);
  // ... and closes it when the ping is not answered within this.
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // Client pings closer together than this are "too many pings" (GOAWAY after
  // a few). Also allows pings on connections without calls.
  absl::Duration min_client_ping_interval = absl::Seconds(10);
  // A connection is told to go away (GOAWAY) after this long, so that
  // long-lived HTTP/2 connections rebalance across replicas.
  absl::Duration max_connection_age = absl::Minutes(30);
  // ... and its calls get this long to end after the GOAWAY before it closes.
  absl::Duration max_connection_age_grace = absl::InfiniteDuration();
  // Concurrent calls (HTTP/2 streams) per connection, at most.
  int max_concurrent_streams = 1000;
  // Largest request message accepted; larger ones end with RESOURCE_EXHAUSTED.
  int max_receive_message_bytes = 4 << 20;
  // Memory all of gRPC's connections and calls may use together (bytes); 0: no limit.
  int64_t resource_quota_bytes = int64_t{1} << 30;
  // Threads gRPC's quota allows (its sync-server threads); 0: gRPC's default.
  int resource_quota_threads = 0;
};

// The integer channel arguments `options` become, (name, value) in a fixed
// order; durations in milliseconds, "no limit" as INT32_MAX.
std::vector<std::pair<std::string, int>> ListenerChannelArgs(const ListenerOptions& options);

// Applies `options` to `builder`: ListenerChannelArgs, the receive size limit
// and the server-wide grpc::ResourceQuota.
void ApplyListenerOptions(const ListenerOptions& options, grpc::ServerBuilder& builder);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_LISTENER_OPTIONS_H_
