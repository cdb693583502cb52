#include "server/api/listener_options.h"

#include <grpc/grpc.h>
#include <grpcpp/resource_quota.h>

#include <algorithm>
#include <limits>

namespace hss::gateway {
namespace {

// `d` in milliseconds for a channel argument: INT32_MAX for "no limit" (and
// anything longer), 0 at least.
int Millis(absl::Duration d) {
  constexpr int kMax = std::numeric_limits<int>::max();
  if (d >= absl::Milliseconds(kMax)) return kMax;
  return static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(d)));
}

}  // namespace

std::vector<std::pair<std::string, int>> ListenerChannelArgs(const ListenerOptions& options) {
  return {
      {GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options.keepalive_time)},
      {GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options.keepalive_timeout)},
      {GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1},
      {GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
       Millis(options.min_client_ping_interval)},
      {GRPC_ARG_MAX_CONNECTION_AGE_MS, Millis(options.max_connection_age)},
      {GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, Millis(options.max_connection_age_grace)},
      {GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams},
      {GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, options.max_receive_message_bytes},
  };
}

void ApplyListenerOptions(const ListenerOptions& options, grpc::ServerBuilder& builder) {
  for (const auto& [name, value] : ListenerChannelArgs(options)) {
    builder.AddChannelArgument(name, value);
  }
  builder.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  if (options.resource_quota_bytes > 0 || options.resource_quota_threads > 0) {
    grpc::ResourceQuota quota("hss-gateway");
    if (options.resource_quota_bytes > 0) {
      quota.Resize(static_cast<size_t>(options.resource_quota_bytes));
    }
    if (options.resource_quota_threads > 0) quota.SetMaxThreads(options.resource_quota_threads);
    builder.SetResourceQuota(quota);
  }
}

}  // namespace hss::gateway
