// The gateway's command-line flags and their translation into GatewayOptions.
#include "server/config/gateway_flags.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/auth/credential_source.h"
#include "server/shared_state/redis_endpoint.h"

ABSL_FLAG(std::string, listen, "[::]:50051", "gRPC listen address, e.g. 127.0.0.1:50051");
ABSL_FLAG(std::string, endpoint, "",
          "HSS base URL, e.g. https://hss.cn-north-4.myhuaweicloud.com; default from --region");
ABSL_FLAG(std::string, region, "",
          "Huawei Cloud region, e.g. cn-north-4 (sets the endpoint, the IAM endpoint and the "
          "project looked up when none is configured)");
ABSL_FLAG(std::string, project_id, "",
          "project used when a request has none; default env HUAWEICLOUD_SDK_PROJECT_ID");
ABSL_FLAG(std::string, auth, "passthrough",
          "upstream auth: passthrough (forward the caller's x-auth-token), token (env "
          "HSS_AUTH_TOKEN), aksk (AK/SK signature; env HUAWEICLOUD_SDK_AK/_SK or the SDK "
          "credentials file) or password (IAM tokens for --iam_user; password in env "
          "HSS_IAM_PASSWORD or --iam_password_file)");
ABSL_FLAG(std::string, iam_endpoint, "",
          "IAM base URL; default env HUAWEICLOUD_SDK_IAM_ENDPOINT, else "
          "https://iam.<region>.myhuaweicloud.com, else https://iam.myhuaweicloud.com");
ABSL_FLAG(std::string, iam_user, "", "--auth=password: IAM user name");
ABSL_FLAG(std::string, iam_domain, "", "--auth=password: account (domain) name of --iam_user");
ABSL_FLAG(std::string, iam_project, "",
          "--auth=password: project name the tokens are scoped to (default: --region)");
ABSL_FLAG(std::string, iam_password_file, "",
          "--auth=password: file holding the password (mode 0600; re-read for each token); "
          "default: env HSS_IAM_PASSWORD");
ABSL_FLAG(absl::Duration, upstream_timeout, absl::Seconds(30),
          "upper bound of one upstream attempt (the caller's deadline may be shorter)");
ABSL_FLAG(absl::Duration, deadline_margin, absl::Milliseconds(20),
          "time kept back from the caller's deadline to answer with a precise status");
ABSL_FLAG(int64_t, max_response_bytes, 8 * 1024 * 1024,
          "largest upstream response body accepted; larger → RESOURCE_EXHAUSTED");
ABSL_FLAG(int32_t, max_upstream_connections, 64, "open connections to the upstream host at most");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(10), "upstream connection set-up limit");
ABSL_FLAG(absl::Duration, upstream_idle_timeout, absl::Seconds(60),
          "close every kept-alive upstream connection once no request has run for this long");
ABSL_FLAG(std::string, ca_file, "", "PEM file of CAs trusted for the upstream (default: system)");
ABSL_FLAG(bool, insecure_skip_tls_verify, false,
          "DANGEROUS: do not verify the upstream's TLS certificate (test endpoints only)");
ABSL_FLAG(std::string, proxy, "", "HTTP(S) proxy URL for upstream requests (default: none)");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(15),
          "on SIGTERM/SIGINT, how long in-flight calls may finish before they are cancelled");
ABSL_FLAG(int32_t, stream_prefetch_max_pages, 8,
          "StreamPorts: the widest prefetch window, in upstream pages fetched ahead of a "
          "consumer (each stream's window adapts from 1 up to this; 1-64)");
ABSL_FLAG(int64_t, stream_buffer_budget, int64_t{64} << 20,
          "StreamPorts: bytes of fetched pages all streams together hold ahead of their "
          "consumers; a stream that finds it spent fetches only the page its consumer needs");
ABSL_FLAG(int32_t, stream_prefetch_pages, 0,
          "deprecated: a fixed prefetch window of this many pages (1-64; sets both the start "
          "and the maximum of the window); 0: the adaptive window");
ABSL_FLAG(int32_t, decode_threads, 0,
          "threads that map large upstream pages to messages, off the transport thread; "
          "0: the transport thread maps them; -1: one per core");
ABSL_FLAG(bool, log_calls, true, "write one JSON log line per finished call to stderr");

// Drain and mesh-ready connection settings (server/api/listener_options.h, graceful_drain.h).
ABSL_FLAG(absl::Duration, drain_prestop, absl::Seconds(5),
          "on SIGTERM, how long the listener stays open answering health NOT_SERVING (calls "
          "are still served) before --drain_timeout begins");
ABSL_FLAG(absl::Duration, keepalive_time, absl::Minutes(1),
          "the server pings a connection after this long without activity");
ABSL_FLAG(absl::Duration, keepalive_timeout, absl::Seconds(20),
          "a keepalive ping not answered within this closes the connection");
ABSL_FLAG(absl::Duration, keepalive_min_client_interval, absl::Seconds(10),
          "client keepalive pings closer together than this are refused (GOAWAY too_many_pings)");
ABSL_FLAG(absl::Duration, max_connection_age, absl::Minutes(30),
          "connections are sent GOAWAY after this long so that clients rebalance; inf: never");
ABSL_FLAG(absl::Duration, max_connection_age_grace, absl::InfiniteDuration(),
          "calls in flight on a connection past --max_connection_age may run this long; inf: "
          "until they end");
ABSL_FLAG(int32_t, max_concurrent_streams, 1000, "concurrent calls per connection, at most");
ABSL_FLAG(int32_t, max_receive_message_bytes, 4 << 20,
          "largest request message accepted; larger → RESOURCE_EXHAUSTED");
ABSL_FLAG(int64_t, grpc_memory_quota_bytes, int64_t{1} << 30,
          "memory all gRPC connections and calls may use together; 0: no limit");
ABSL_FLAG(int32_t, grpc_max_threads, 0, "threads gRPC's resource quota allows; 0: gRPC's default");

// Metrics (server/observability/README.md).
ABSL_FLAG(std::string, metrics_listen, "",
          "serve Prometheus /metrics on this IPv4 address, e.g. 127.0.0.1:9464 (default: off)");

// WatchPorts (server/watch/README.md).
ABSL_FLAG(absl::Duration, watch_default_interval, absl::Seconds(30),
          "WatchPorts: seconds between polls when the request asks for none");
ABSL_FLAG(absl::Duration, watch_min_interval, absl::Seconds(10),
          "WatchPorts: no poller polls more often (at least 1s)");
ABSL_FLAG(absl::Duration, watch_heartbeat, absl::Seconds(60),
          "WatchPorts: a watcher sent nothing for this long gets a `synced` message after a poll");
ABSL_FLAG(absl::Duration, watch_max_failure, absl::Minutes(5),
          "WatchPorts: polls failing for this long end every watcher with the failure's status");
ABSL_FLAG(int32_t, watch_max_pending_messages, 64,
          "WatchPorts: messages that may wait for one watcher; beyond, it gets one reset "
          "snapshot instead (1-100000)");

// Upstream protection (server/protection_options.h).
ABSL_FLAG(int32_t, retry_max_attempts, 4, "upstream attempts per call at most (1 = no retry)");
ABSL_FLAG(absl::Duration, retry_max_elapsed, absl::Seconds(20),
          "no retry starts this long after a call's first attempt");
ABSL_FLAG(absl::Duration, retry_initial_backoff, absl::Milliseconds(200),
          "first backoff of UNAVAILABLE retries (exponential, full jitter)");
ABSL_FLAG(absl::Duration, retry_max_backoff, absl::Seconds(5), "longest backoff between attempts");
ABSL_FLAG(absl::Duration, retry_throttled_backoff, absl::Seconds(2),
          "base backoff after a 429 without Retry-After");
ABSL_FLAG(int32_t, rate_limit_per_identity, -1,
          "upstream calls per minute per upstream identity; -1: the endpoint's default (HSS: 5 "
          "for Huawei Cloud endpoints, unlimited otherwise), 0: unlimited");
ABSL_FLAG(int32_t, rate_limit_per_identity_burst, -1,
          "calls an idle identity may make at once; -1: the endpoint's default");
ABSL_FLAG(
    int32_t, rate_limit_total, -1,
    "upstream calls per minute in total; -1: the endpoint's default (HSS: 600), 0: unlimited");
ABSL_FLAG(int32_t, rate_limit_total_burst, -1, "total burst; -1: the endpoint's default");
ABSL_FLAG(absl::Duration, rate_limit_max_wait, absl::Minutes(2),
          "longest a call waits for a rate-limit token (its deadline may be shorter)");
ABSL_FLAG(bool, cache, false, "cache pages per identity and query (opt-in)");
ABSL_FLAG(absl::Duration, cache_ttl, absl::Seconds(30), "how long a cached page is served");
ABSL_FLAG(int64_t, cache_max_bytes, int64_t{64} << 20, "memory budget of the page cache (LRU)");
ABSL_FLAG(int32_t, breaker_failure_threshold, 10,
          "consecutive calls failed by upstream transport/5xx errors (after retries) that open "
          "the circuit breaker (0: off)");
ABSL_FLAG(absl::Duration, breaker_cool_down, absl::Seconds(10),
          "how long an open breaker fails calls fast before it lets one probe through");

// TLS and mTLS of the gRPC listener (server/tls/listener_tls_options.h).
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain the gRPC listener presents; with --tls_key_file turns TLS on "
          "(default: plaintext)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA certificates client certificates must chain to: mTLS, a verified client "
          "certificate is required");
ABSL_FLAG(absl::Duration, tls_reload_interval, absl::Seconds(60),
          "how often the TLS files are re-read: rotated certificates reach new connections "
          "within this delay (≥ 1s)");

// Caller authorization (server/authz/authz_options.h).
ABSL_FLAG(std::string, authz_policy_file, "",
          "JSON policy of which callers may call which methods for which projects (README "
          "\"Caller authorization\"); set: unknown callers are denied (default: no policy)");
ABSL_FLAG(absl::Duration, authz_reload_interval, absl::Seconds(5),
          "how often --authz_policy_file is checked for changes");
ABSL_FLAG(std::string, authz_trusted_identity_header, "",
          "metadata a mesh proxy that terminates mTLS sets to the caller's identity, e.g. "
          "x-forwarded-client-cert (Envoy XFCC); trusted: set it only when every request passes "
          "that proxy (default: only the gateway's own mTLS peer certificate counts)");

// Rate limits shared by the replicas (server/protection/protection_options.h).
ABSL_FLAG(
    std::string, shared_state, "",
    "redis://[USER@]HOST:PORT[/DB] of the Redis (or Huawei Cloud DCS) through which every "
    "replica shares the rate limits, identical calls in flight and (with --cache) cached pages; "
    "plain TCP only, for TLS see README \"Scaling out\" (default: each replica alone)");
ABSL_FLAG(std::string, redis_password_file, "",
          "file (chmod 600) holding the Redis AUTH password; or env HSS_REDIS_PASSWORD");
ABSL_FLAG(int32_t, expected_replicas, 3,
          "gateway replicas sharing --shared_state: while Redis is unreachable each enforces "
          "1/N of every rate limit");
ABSL_FLAG(absl::Duration, redis_command_timeout, absl::Milliseconds(50),
          "a Redis command not answered within this is given up and the call is paced by local "
          "limits (1ms-1s)");
ABSL_FLAG(int64_t, shared_page_max_bytes, int64_t{1} << 20,
          "the largest page the replicas share through --shared_state (cached or handed to "
          "the replicas waiting for it; 4096-16777216 bytes); a larger one each fetches itself");

namespace hss::gateway {

namespace {

// Reads --shared_state and its companions; nothing when --shared_state is unset.
absl::Status SharedStateFromFlags(const EnvLookup& env, std::optional<SharedStateOptions>& out) {
  out.reset();
  const std::string url = absl::GetFlag(FLAGS_shared_state);
  const std::string password_file = absl::GetFlag(FLAGS_redis_password_file);
  std::string password = env("HSS_REDIS_PASSWORD");
  if (url.empty()) {
    if (!password_file.empty()) {
      return absl::InvalidArgumentError("--redis_password_file needs --shared_state=redis://...");
    }
    return absl::OkStatus();
  }
  SharedStateOptions options;
  absl::StatusOr<RedisEndpoint> endpoint = ParseRedisEndpoint(url);
  if (!endpoint.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shared_state: ", endpoint.status().message()));
  }
  options.endpoint = *std::move(endpoint);
  if (!password_file.empty()) {
    if (!password.empty()) {
      return absl::InvalidArgumentError(
          "set the Redis password in env HSS_REDIS_PASSWORD or --redis_password_file, not both");
    }
    absl::StatusOr<std::string> contents = ReadPrivateFile(password_file, "Redis password file");
    if (!contents.ok()) return contents.status();
    password = *std::move(contents);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
      password.pop_back();
    }
    if (password.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("Redis password file ", password_file, " is empty"));
    }
  }
  if (password.empty() && !options.endpoint.username.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--shared_state names the Redis user ", options.endpoint.username,
                     ": give its password with --redis_password_file or env HSS_REDIS_PASSWORD"));
  }
  options.password = std::move(password);
  options.expected_replicas = absl::GetFlag(FLAGS_expected_replicas);
  if (options.expected_replicas < 1 || options.expected_replicas > 1000) {
    return absl::InvalidArgumentError("--expected_replicas must be 1-1000");
  }
  options.command_timeout = absl::GetFlag(FLAGS_redis_command_timeout);
  if (options.command_timeout < absl::Milliseconds(1) ||
      options.command_timeout > absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "--redis_command_timeout must be 1ms-1s: calls never wait on Redis longer than this");
  }
  options.max_shared_page_bytes = absl::GetFlag(FLAGS_shared_page_max_bytes);
  if (options.max_shared_page_bytes < 4096 || options.max_shared_page_bytes > (1 << 24)) {
    return absl::InvalidArgumentError("--shared_page_max_bytes must be 4096-16777216");
  }
  out = std::move(options);
  return absl::OkStatus();
}

// Reads the protection flags over the endpoint's defaults.
absl::Status ProtectionFromFlags(absl::string_view endpoint, ProtectionOptions& p) {
  p = ProtectionOptionsForEndpoint(endpoint);
  p.retry.max_attempts = absl::GetFlag(FLAGS_retry_max_attempts);
  p.retry.max_elapsed = absl::GetFlag(FLAGS_retry_max_elapsed);
  p.retry.initial_backoff = absl::GetFlag(FLAGS_retry_initial_backoff);
  p.retry.max_backoff = absl::GetFlag(FLAGS_retry_max_backoff);
  p.retry.throttled_base_backoff = absl::GetFlag(FLAGS_retry_throttled_backoff);
  if (p.retry.max_attempts < 1)
    return absl::InvalidArgumentError("--retry_max_attempts must be ≥ 1");
  auto override_limit = [](int32_t flag, int& value, const char* name) -> absl::Status {
    if (flag < -1) return absl::InvalidArgumentError(absl::StrCat("--", name, " must be ≥ -1"));
    if (flag >= 0) value = flag;
    return absl::OkStatus();
  };
  for (auto [flag, value, name] :
       {std::tuple{absl::GetFlag(FLAGS_rate_limit_per_identity),
                   &p.rate_limit.per_identity_per_minute, "rate_limit_per_identity"},
        std::tuple{absl::GetFlag(FLAGS_rate_limit_per_identity_burst),
                   &p.rate_limit.per_identity_burst, "rate_limit_per_identity_burst"},
        std::tuple{absl::GetFlag(FLAGS_rate_limit_total), &p.rate_limit.total_per_minute,
                   "rate_limit_total"},
        std::tuple{absl::GetFlag(FLAGS_rate_limit_total_burst), &p.rate_limit.total_burst,
                   "rate_limit_total_burst"}}) {
    if (absl::Status s = override_limit(flag, *value, name); !s.ok()) return s;
  }
  p.rate_limit.max_wait = absl::GetFlag(FLAGS_rate_limit_max_wait);
  p.cache.enabled = absl::GetFlag(FLAGS_cache);
  p.cache.ttl = absl::GetFlag(FLAGS_cache_ttl);
  p.cache.max_bytes = absl::GetFlag(FLAGS_cache_max_bytes);
  p.breaker.failure_threshold = absl::GetFlag(FLAGS_breaker_failure_threshold);
  p.breaker.cool_down = absl::GetFlag(FLAGS_breaker_cool_down);
  return absl::OkStatus();
}

}  // namespace

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

  o.region = region;
  if (!region.empty()) {
    // Validates the region even when --endpoint is given (it names IAM's endpoint and project).
    if (auto endpoint = EndpointForRegion(region, env); !endpoint.ok()) return endpoint.status();
  }

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
  } else if (auth == "aksk") {
    o.auth = AuthMode::kAksk;
    o.sdk = ReadSdkEnvironment(env);
  } else if (auth == "password") {
    o.auth = AuthMode::kPassword;
    o.iam_user = absl::GetFlag(FLAGS_iam_user);
    o.iam_domain = absl::GetFlag(FLAGS_iam_domain);
    if (o.iam_user.empty() || o.iam_domain.empty()) {
      return absl::InvalidArgumentError(
          "--auth=password needs --iam_user=NAME and --iam_domain=ACCOUNT (the account the IAM "
          "user belongs to)");
    }
    o.iam_project = absl::GetFlag(FLAGS_iam_project);
    if (o.iam_project.empty()) o.iam_project = region;
    if (o.iam_project.empty()) {
      return absl::InvalidArgumentError(
          "--auth=password needs the token scope: --iam_project=NAME or --region=REGION");
    }
    o.iam_password_file = absl::GetFlag(FLAGS_iam_password_file);
    o.iam_password = env("HSS_IAM_PASSWORD");
    if (o.iam_password_file.empty() == o.iam_password.empty()) {
      return absl::InvalidArgumentError(
          o.iam_password.empty()
              ? "--auth=password needs the password in env HSS_IAM_PASSWORD or in a file named by "
                "--iam_password_file (secrets are never flags)"
              : "set the IAM password in env HSS_IAM_PASSWORD or --iam_password_file, not both");
    }
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--auth must be passthrough, token, aksk or password; got \"", auth, "\""));
  }

  o.iam_endpoint = absl::GetFlag(FLAGS_iam_endpoint);
  if (o.iam_endpoint.empty()) o.iam_endpoint = env("HUAWEICLOUD_SDK_IAM_ENDPOINT");
  o.iam_endpoint_explicit = !o.iam_endpoint.empty();
  if (o.iam_endpoint.empty()) o.iam_endpoint = IamEndpointForRegion(region);
  while (!o.iam_endpoint.empty() && o.iam_endpoint.back() == '/') o.iam_endpoint.pop_back();
  if (!absl::StartsWith(o.iam_endpoint, "http://") &&
      !absl::StartsWith(o.iam_endpoint, "https://")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--iam_endpoint must start with http:// or https://; got \"", o.iam_endpoint, "\""));
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
  o.stream_prefetch_max_pages = absl::GetFlag(FLAGS_stream_prefetch_max_pages);
  if (o.stream_prefetch_max_pages < 1 || o.stream_prefetch_max_pages > 64) {
    return absl::InvalidArgumentError("--stream_prefetch_max_pages must be 1-64");
  }
  o.stream_buffer_budget_bytes = absl::GetFlag(FLAGS_stream_buffer_budget);
  if (o.stream_buffer_budget_bytes < 0) {
    return absl::InvalidArgumentError("--stream_buffer_budget must not be negative");
  }
  if (const int32_t fixed = absl::GetFlag(FLAGS_stream_prefetch_pages); fixed != 0) {
    if (fixed < 1 || fixed > 64) {
      return absl::InvalidArgumentError("--stream_prefetch_pages must be 0 (adaptive) or 1-64");
    }
    o.stream_prefetch_initial_pages = o.stream_prefetch_max_pages = fixed;
  }
  o.decode_threads = absl::GetFlag(FLAGS_decode_threads);
  if (o.decode_threads == -1) {
    o.decode_threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  if (o.decode_threads < 0 || o.decode_threads > 64) {
    return absl::InvalidArgumentError("--decode_threads must be -1 (one per core) or 0-64");
  }

  const int64_t max_bytes = absl::GetFlag(FLAGS_max_response_bytes);
  if (max_bytes < 1024) return absl::InvalidArgumentError("--max_response_bytes must be ≥ 1024");
  o.transport.max_response_bytes = static_cast<std::size_t>(max_bytes);
  const int32_t connections = absl::GetFlag(FLAGS_max_upstream_connections);
  if (connections < 1) return absl::InvalidArgumentError("--max_upstream_connections must be ≥ 1");
  o.transport.max_host_connections = connections;
  o.transport.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  o.transport.idle_connection_timeout = absl::GetFlag(FLAGS_upstream_idle_timeout);
  if (o.transport.idle_connection_timeout < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--upstream_idle_timeout must be at least 1s");
  }
  o.transport.ca_file = absl::GetFlag(FLAGS_ca_file);
  o.transport.insecure_skip_tls_verify = absl::GetFlag(FLAGS_insecure_skip_tls_verify);
  o.transport.proxy = absl::GetFlag(FLAGS_proxy);
  if (absl::Status status = ProtectionFromFlags(o.endpoint, o.protection); !status.ok()) {
    return status;
  }
  if (absl::Status status = SharedStateFromFlags(env, o.protection.shared_state); !status.ok()) {
    return status;
  }

  // Drain and mesh-ready connection settings.
  o.drain_prestop = absl::GetFlag(FLAGS_drain_prestop);
  ListenerOptions& l = o.listener;
  l.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  l.keepalive_timeout = absl::GetFlag(FLAGS_keepalive_timeout);
  l.min_client_ping_interval = absl::GetFlag(FLAGS_keepalive_min_client_interval);
  l.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  l.max_connection_age_grace = absl::GetFlag(FLAGS_max_connection_age_grace);
  l.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  l.max_receive_message_bytes = absl::GetFlag(FLAGS_max_receive_message_bytes);
  l.resource_quota_bytes = absl::GetFlag(FLAGS_grpc_memory_quota_bytes);
  l.resource_quota_threads = absl::GetFlag(FLAGS_grpc_max_threads);
  if (o.drain_prestop < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--drain_prestop must not be negative");
  }
  if (l.keepalive_time <= absl::ZeroDuration() || l.keepalive_timeout <= absl::ZeroDuration() ||
      l.max_connection_age <= absl::ZeroDuration() ||
      l.min_client_ping_interval < absl::ZeroDuration() ||
      l.max_connection_age_grace < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--keepalive_time, --keepalive_timeout and --max_connection_age must be positive, "
        "--keepalive_min_client_interval and --max_connection_age_grace not negative");
  }
  if (l.max_concurrent_streams < 1 || l.max_receive_message_bytes < 1024) {
    return absl::InvalidArgumentError(
        "--max_concurrent_streams must be ≥ 1 and --max_receive_message_bytes ≥ 1024");
  }
  if (l.resource_quota_bytes < 0 || l.resource_quota_threads < 0) {
    return absl::InvalidArgumentError(
        "--grpc_memory_quota_bytes and --grpc_max_threads must not be negative (0: no limit)");
  }
  o.listener_tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  o.listener_tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  o.listener_tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  o.listener_tls.reload_interval = absl::GetFlag(FLAGS_tls_reload_interval);
  if (o.listener_tls.reload_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("--tls_reload_interval must be at least 1s");
  }
  o.authz.policy_file = absl::GetFlag(FLAGS_authz_policy_file);
  o.authz.reload_interval = absl::GetFlag(FLAGS_authz_reload_interval);
  o.authz.trusted_identity_header =
      absl::AsciiStrToLower(absl::GetFlag(FLAGS_authz_trusted_identity_header));
  if (o.authz.reload_interval < absl::Milliseconds(100)) {
    return absl::InvalidArgumentError("--authz_reload_interval must be at least 100ms");
  }
  if (!o.authz.trusted_identity_header.empty() && o.authz.policy_file.empty()) {
    return absl::InvalidArgumentError(
        "--authz_trusted_identity_header needs --authz_policy_file (it names callers for the "
        "policy)");
  }

  // Metrics.
  o.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  if (!o.metrics_listen.empty() && o.metrics_listen.rfind(':') == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_listen must be HOST:PORT, e.g. 127.0.0.1:9464; got \"", o.metrics_listen, "\""));
  }

  // WatchPorts.
  WatchOptions& w = o.watch;
  w.default_interval = absl::GetFlag(FLAGS_watch_default_interval);
  w.min_interval = absl::GetFlag(FLAGS_watch_min_interval);
  w.heartbeat = absl::GetFlag(FLAGS_watch_heartbeat);
  w.max_failure = absl::GetFlag(FLAGS_watch_max_failure);
  w.max_pending_messages = absl::GetFlag(FLAGS_watch_max_pending_messages);
  w.upstream_calls_per_minute = o.protection.rate_limit.per_identity_per_minute;
  if (w.min_interval < absl::Seconds(1) || w.default_interval < w.min_interval) {
    return absl::InvalidArgumentError(
        "--watch_min_interval must be at least 1s and --watch_default_interval at least "
        "--watch_min_interval");
  }
  if (w.heartbeat < absl::Seconds(1) || w.max_failure <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "--watch_heartbeat must be at least 1s and --watch_max_failure positive");
  }
  if (w.max_pending_messages < 1 || w.max_pending_messages > 100000) {
    return absl::InvalidArgumentError("--watch_max_pending_messages must be 1-100000");
  }
  return o;
}

}  // namespace hss::gateway
