#ifndef HSS_SERVER_CONFIG_GATEWAY_OPTIONS_H_
#define HSS_SERVER_CONFIG_GATEWAY_OPTIONS_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/api/listener_options.h"
#include "server/auth/credential_source.h"
#include "server/auth/credentials_factory.h"
#include "server/authz/authz_options.h"
#include "server/http/curl_transport.h"
#include "server/protection/protection_options.h"
#include "server/tls/listener_tls_options.h"
#include "server/watch/watch_options.h"

namespace hss::gateway {

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
  // The region (--region), e.g. "cn-north-4"; may be empty. Names the project
  // that is discovered through IAM when no project id is configured.
  std::string region;
  // IAM base URL without a trailing '/': --iam_endpoint, else env
  // HUAWEICLOUD_SDK_IAM_ENDPOINT, else https://iam.<region>.myhuaweicloud.com,
  // else https://iam.myhuaweicloud.com.
  std::string iam_endpoint;
  // True when iam_endpoint came from the flag or the environment; otherwise
  // an iam_endpoint in the credentials file replaces the derived one.
  bool iam_endpoint_explicit = false;
  // The official SDKs' environment variables (AuthMode::kAksk). Holds secrets.
  SdkEnvironment sdk;
  // AuthMode::kPassword: the IAM user name (--iam_user).
  std::string iam_user;
  // AuthMode::kPassword: the account (domain) name (--iam_domain).
  std::string iam_domain;
  // AuthMode::kPassword: the token scope's project name (--iam_project,
  // default the region).
  std::string iam_project;
  // AuthMode::kPassword: the password from env HSS_IAM_PASSWORD, when
  // iam_password_file is empty. Secret: never logged.
  std::string iam_password;
  // AuthMode::kPassword: a file holding the password (--iam_password_file),
  // re-read for every token request.
  std::string iam_password_file;
  // Upper bound of one upstream attempt.
  absl::Duration upstream_timeout = absl::Seconds(30);
  // Kept back from the caller's deadline to answer precisely in time.
  absl::Duration deadline_margin = absl::Milliseconds(20);
  // How long SIGTERM waits for in-flight calls before cancelling them.
  absl::Duration drain_timeout = absl::Seconds(15);
  // StreamPorts: each stream's prefetch window adapts between these (pages).
  int stream_prefetch_initial_pages = 1;
  int stream_prefetch_max_pages = 8;
  // StreamPorts: bytes all streams together hold fetched ahead of consumers.
  int64_t stream_buffer_budget_bytes = int64_t{64} << 20;
  // Threads mapping large upstream pages off the transport thread; 0: none.
  int decode_threads = 0;
  // Write one log line per call.
  bool log_calls = true;
  // Retries, rate limits, coalescing, cache and circuit breaker in front of
  // the upstream (limits default to the endpoint's own: see rate_limiter.h).
  ProtectionOptions protection;
  // libcurl settings.
  CurlTransportOptions transport;

  // Drain and mesh-ready connection settings (issue 10).
  // After SIGTERM, how long the listener stays open answering health
  // NOT_SERVING before it closes and drain_timeout begins.
  absl::Duration drain_prestop = absl::Seconds(5);
  // Keepalive, connection age, streams per connection, message size, quota.
  ListenerOptions listener;
  // TLS / mTLS of the gRPC listener (plaintext by default).
  ListenerTlsOptions listener_tls;
  // Caller authorization (off unless a policy file is given).
  AuthzOptions authz;

  // Metrics (server/observability/): the IPv4 address /metrics is served on,
  // e.g. "127.0.0.1:9464"; empty: not served.
  std::string metrics_listen;

  // WatchPorts (server/watch/): poll intervals, heartbeat, failure limit and
  // the per-watcher queue bound (the --watch_* flags).
  WatchOptions watch;
};

// Looks up an environment variable; returns "" when unset.
using EnvLookup = absl::FunctionRef<std::string(absl::string_view name)>;

// Returns the HSS endpoint of `region`: env HUAWEICLOUD_SDK_REGION_HSS_<REGION>
// (upper case, '-' → '_') if set, else https://hss.<region>.myhuaweicloud.com,
// except eu-west-101 (…myhuaweicloud.eu). Fails on a malformed region name.
absl::StatusOr<std::string> EndpointForRegion(absl::string_view region, EnvLookup env);

// Returns the IAM endpoint of `region`: https://iam.<region>.myhuaweicloud.com
// (eu-west-101: …myhuaweicloud.eu), or https://iam.myhuaweicloud.com when
// `region` is empty. Expects a region EndpointForRegion() accepts.
std::string IamEndpointForRegion(absl::string_view region);

// The part of `options` that says how the gateway authenticates upstream.
CredentialsConfig CredentialsConfigFrom(const GatewayOptions& options);

// Returns the value of environment variable `name`, or "" (for EnvLookup).
std::string GetEnv(absl::string_view name);

}  // namespace hss::gateway

#endif  // HSS_SERVER_CONFIG_GATEWAY_OPTIONS_H_
