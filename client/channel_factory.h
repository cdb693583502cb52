#ifndef HSS_CLIENT_CHANNEL_FACTORY_H_
#define HSS_CLIENT_CHANNEL_FACTORY_H_

// The gRPC channel to the gateway.

#include <grpcpp/channel.h>

#include <memory>

#include "absl/status/statusor.h"
#include "client/cli_options.h"

namespace hss::client {

// A channel to options.target: plaintext, or with options.tls TLS verified
// against options.tls_ca_file (system roots if empty). Returns
// InvalidArgument if the target is empty or the CA file cannot be read. The
// channel connects lazily, on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const CliOptions& options);

}  // namespace hss::client

#endif  // HSS_CLIENT_CHANNEL_FACTORY_H_
