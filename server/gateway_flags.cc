// The gateway's command-line flags and their translation into GatewayOptions.
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/gateway_options.h"

ABSL_FLAG(std::string, listen, "[::]:50051", "gRPC listen address, e.g. 127.0.0.1:50051");
ABSL_FLAG(std::string, endpoint, "",
          "HSS base URL, e.g. https://hss.cn-north-4.myhuaweicloud.com; default from --region");
ABSL_FLAG(std::string, region, "", "Huawei Cloud region, e.g. cn-north-4 (sets the endpoint)");
ABSL_FLAG(std::string, project_id, "",
          "project used when a request has none; default env HUAWEICLOUD_SDK_PROJECT_ID");
ABSL_FLAG(std::string, auth, "passthrough",
          "upstream auth: passthrough (forward the caller's x-auth-token) or token (env "
          "HSS_AUTH_TOKEN)");
ABSL_FLAG(absl::Duration, upstream_timeout, absl::Seconds(30),
          "upper bound of one upstream attempt (the caller's deadline may be shorter)");
ABSL_FLAG(absl::Duration, deadline_margin, absl::Milliseconds(20),
          "time kept back from the caller's deadline to answer with a precise status");
ABSL_FLAG(int64_t, max_response_bytes, 8 * 1024 * 1024,
          "largest upstream response body accepted; larger → RESOURCE_EXHAUSTED");
ABSL_FLAG(int32_t, max_upstream_connections, 64, "open connections to the upstream host at most");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(10), "upstream connection set-up limit");
ABSL_FLAG(std::string, ca_file, "", "PEM file of CAs trusted for the upstream (default: system)");
ABSL_FLAG(bool, insecure_skip_tls_verify, false,
          "DANGEROUS: do not verify the upstream's TLS certificate (test endpoints only)");
ABSL_FLAG(std::string, proxy, "", "HTTP(S) proxy URL for upstream requests (default: none)");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(15),
          "on SIGTERM/SIGINT, how long in-flight calls may finish before they are cancelled");
ABSL_FLAG(int32_t, stream_prefetch_pages, 2,
          "StreamPorts: upstream pages fetched ahead of a consumer, at most (1-16)");
ABSL_FLAG(bool, log_calls, true, "write one JSON log line per finished call to stderr");

namespace hss::gateway {

absl::StatusOr<GatewayOptions> GatewayOptionsFromFlags(EnvLookup env) {
  GatewayOptions o;
  o.listen = absl::GetFlag(FLAGS_listen);
  if (o.listen.empty()) return absl::InvalidArgumentError("--listen must not be empty");

  o.endpoint = absl::GetFlag(FLAGS_endpoint);
  const std::string region = absl::GetFlag(FLAGS_region);
  if (o.endpoint.empty()) {
    if (region.empty()) {
      return absl::InvalidArgumentError(
          "set --endpoint=URL (e.g. http://127.0.0.1:8080 for hss-sim) or --region=REGION "
          "(e.g. cn-north-4)");
    }
    auto endpoint = EndpointForRegion(region, env);
    if (!endpoint.ok()) return endpoint.status();
    o.endpoint = *std::move(endpoint);
  }
  while (!o.endpoint.empty() && o.endpoint.back() == '/') o.endpoint.pop_back();
  if (!absl::StartsWith(o.endpoint, "http://") && !absl::StartsWith(o.endpoint, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--endpoint must start with http:// or https://; got \"", o.endpoint, "\""));
  }

  o.default_project_id = absl::GetFlag(FLAGS_project_id);
  if (o.default_project_id.empty()) o.default_project_id = env("HUAWEICLOUD_SDK_PROJECT_ID");

  const std::string auth = absl::GetFlag(FLAGS_auth);
  if (auth == "passthrough") {
    o.auth = AuthMode::kPassthrough;
  } else if (auth == "token") {
    o.auth = AuthMode::kToken;
    o.token = env("HSS_AUTH_TOKEN");
    if (o.token.empty()) {
      return absl::InvalidArgumentError(
          "--auth=token needs the IAM token in env HSS_AUTH_TOKEN (secrets are never flags)");
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth must be passthrough or token; got \"", auth, "\""));
  }

  o.upstream_timeout = absl::GetFlag(FLAGS_upstream_timeout);
  o.deadline_margin = absl::GetFlag(FLAGS_deadline_margin);
  o.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  if (o.upstream_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--upstream_timeout must be positive");
  }
  if (o.deadline_margin < absl::ZeroDuration() || o.drain_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--deadline_margin and --drain_timeout must not be negative");
  }
  o.log_calls = absl::GetFlag(FLAGS_log_calls);
  o.stream_prefetch_pages = absl::GetFlag(FLAGS_stream_prefetch_pages);
  if (o.stream_prefetch_pages < 1 || o.stream_prefetch_pages > 16) {
    return absl::InvalidArgumentError("--stream_prefetch_pages must be 1-16");
  }

  const int64_t max_bytes = absl::GetFlag(FLAGS_max_response_bytes);
  if (max_bytes < 1024) return absl::InvalidArgumentError("--max_response_bytes must be ≥ 1024");
  o.transport.max_response_bytes = static_cast<std::size_t>(max_bytes);
  const int32_t connections = absl::GetFlag(FLAGS_max_upstream_connections);
  if (connections < 1) return absl::InvalidArgumentError("--max_upstream_connections must be ≥ 1");
  o.transport.max_host_connections = connections;
  o.transport.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  o.transport.ca_file = absl::GetFlag(FLAGS_ca_file);
  o.transport.insecure_skip_tls_verify = absl::GetFlag(FLAGS_insecure_skip_tls_verify);
  o.transport.proxy = absl::GetFlag(FLAGS_proxy);
  return o;
}

}  // namespace hss::gateway
