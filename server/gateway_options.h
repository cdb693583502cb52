#ifndef HSS_SERVER_GATEWAY_OPTIONS_H_
#define HSS_SERVER_GATEWAY_OPTIONS_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/curl_transport.h"

namespace hss::gateway {

// How the gateway authenticates to HSS.
enum class AuthMode {
  // Forward each caller's own token (metadata x-auth-token / authorization: Bearer).
  kPassthrough,
  // Send one token from env HSS_AUTH_TOKEN.
  kToken,
};

// Everything the gateway needs, read once at start-up (from flags and the
// environment) and passed down; nothing below main() reads flags or env.
struct GatewayOptions {
  // gRPC listen address, e.g. "[::]:50051" or "127.0.0.1:0".
  std::string listen = "[::]:50051";
  // HSS base URL, without a trailing slash.
  std::string endpoint;
  // Project used when a request leaves project_id empty; may be empty.
  std::string default_project_id;
  // How to authenticate upstream.
  AuthMode auth = AuthMode::kPassthrough;
  // The token for AuthMode::kToken. Secret: never logged.
  std::string token;
  // Upper bound of one upstream attempt.
  absl::Duration upstream_timeout = absl::Seconds(30);
  // Kept back from the caller's deadline to answer precisely in time.
  absl::Duration deadline_margin = absl::Milliseconds(20);
  // How long SIGTERM waits for in-flight calls before cancelling them.
  absl::Duration drain_timeout = absl::Seconds(15);
  // StreamPorts: pages fetched ahead of a consumer, at most (per stream).
  int stream_prefetch_pages = 2;
  // Write one log line per call.
  bool log_calls = true;
  // libcurl settings.
  CurlTransportOptions transport;
};

// Looks up an environment variable; returns "" when unset.
using EnvLookup = absl::FunctionRef<std::string(absl::string_view name)>;

// Returns the HSS endpoint of `region`: env HUAWEICLOUD_SDK_REGION_HSS_<REGION>
// (upper case, '-' → '_') if set, else https://hss.<region>.myhuaweicloud.com,
// except eu-west-101 (…myhuaweicloud.eu). Fails on a malformed region name.
absl::StatusOr<std::string> EndpointForRegion(absl::string_view region, EnvLookup env);

// Reads the command-line flags (see gateway_flags.cc) and the environment into
// options, with a start-up error a person can act on when they are incomplete
// or inconsistent.
absl::StatusOr<GatewayOptions> GatewayOptionsFromFlags(EnvLookup env);

// Returns the value of environment variable `name`, or "" (for EnvLookup).
std::string GetEnv(absl::string_view name);

}  // namespace hss::gateway

#endif  // HSS_SERVER_GATEWAY_OPTIONS_H_
