#ifndef HSS_CLIENT_CALLS_CHANNEL_FACTORY_H_
#define HSS_CLIENT_CALLS_CHANNEL_FACTORY_H_

// The gRPC channel to the gateway.

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/cli_options.h"

namespace hss::client {

// The gRPC target and transport security that `target` (as a user types it
// for gRPC tools) names.
struct GrpcTarget {
  // What grpc::CreateChannel is given: "host:port" or a gRPC URI
  // ("dns:///host:port", "ipv4:…", "ipv6:…", "unix:…"), unchanged.
  std::string target;
  // True for an https:// target: the channel uses TLS.
  bool tls = false;
};

// Reads `target`: "host:port", "[v6]:port", a gRPC URI, or an http:// or
// https:// URL with a port and no path. Returns InvalidArgument naming the
// fix when the port is missing (gRPC would silently dial 443) or the URL
// carries a path, query or user info.
absl::StatusOr<GrpcTarget> ParseGrpcTarget(absl::string_view target);

// A channel to options.target: plaintext, or TLS (options.tls, an https://
// target or any of the TLS files turn it on) verified against
// options.tls_ca_file (system roots if empty), presenting
// options.tls_cert_file/tls_key_file when set (mTLS). Returns
// InvalidArgument if the target is empty or malformed (ParseGrpcTarget), a
// file cannot be read or is not PEM, or only one of the certificate and key
// is given. The channel connects lazily, on the first call.
absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const CliOptions& options);

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_CHANNEL_FACTORY_H_
