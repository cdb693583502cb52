// hss-gateway: the gRPC gateway in front of Huawei Cloud HSS open-port queries.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/aksk_signer.h"
#include "common/flags_usage.h"
#include "grpc/health/v1/health.pb.h"
#include "server/api/call_log.h"
#include "server/api/graceful_drain.h"
#include "server/api/listener_options.h"
#include "server/api/port_service.h"
#include "server/auth/aksk_credentials.h"
#include "server/auth/credential_source.h"
#include "server/auth/credentials_factory.h"
#include "server/auth/iam_token_credentials.h"
#include "server/auth/project_resolver.h"
#include "server/auth/token_credentials.h"
#include "server/authz/policy_watcher.h"
#include "server/config/gateway_flags.h"
#include "server/connection/ports_connection.h"
#include "server/connection/stream_buffer_budget.h"
#include "server/http/curl_transport.h"
#include "server/http/url_redaction.h"
#include "server/observability/gateway_metrics.h"
#include "server/observability/metrics_server.h"
#include "server/observability/process_collector.h"
#include "server/observability/protection_collector.h"
#include "server/protection/protection_options.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/rest_hss_stub.h"
#include "server/runtime/log.h"
#include "server/runtime/scheduler.h"
#include "server/runtime/work_pool.h"
#include "server/tls/listener_credentials.h"
#include "server/watch/watch_hub.h"

namespace hss::gateway {
namespace {

constexpr char kServiceName[] = "hss.ports.v1.PortService";

// "5/min (burst 5)" or "unlimited".
std::string DescribeLimit(int per_minute, int burst) {
  if (per_minute <= 0) return "unlimited";
  return absl::StrCat(per_minute, "/min (burst ", burst, ")");
}

// Project discovery at start-up: when no project id is configured, the
// project of --region is looked up once through IAM (the SDKs' convention),
// waiting at most `timeout`.
absl::StatusOr<std::string> DiscoverProject(const std::shared_ptr<ProjectResolver>& resolver,
                                            const std::string& region, absl::Duration timeout) {
  struct Outcome {
    absl::Mutex mu;
    std::optional<absl::StatusOr<std::string>> result;
  };
  auto outcome = std::make_shared<Outcome>();
  resolver->Resolve(region, CallContext{}, [outcome](absl::StatusOr<std::string> result) {
    absl::MutexLock lock(&outcome->mu);
    outcome->result = std::move(result);
  });
  absl::MutexLock lock(&outcome->mu);
  bool (*has_result)(std::optional<absl::StatusOr<std::string>>*) =
      [](std::optional<absl::StatusOr<std::string>>* result) { return result->has_value(); };
  if (!outcome->mu.AwaitWithTimeout(absl::Condition(has_result, &outcome->result), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("IAM did not answer the project lookup for region ", region, " within ",
                     absl::FormatDuration(timeout)));
  }
  return *outcome->result;
}

int Run(GatewayOptions options, const sigset_t& stop_signals) {
  // Metrics are recorded from the start (IAM token requests included) when they are served.
  std::shared_ptr<GatewayMetrics> gateway_metrics;
  if (!options.metrics_listen.empty()) {
    gateway_metrics = std::make_shared<GatewayMetrics>();
    SetMetricsRecorder(gateway_metrics);
  }
  if (options.transport.insecure_skip_tls_verify) {
    LogEvent("warning",
             "--insecure_skip_tls_verify is ON: the upstream's TLS certificate is NOT verified; "
             "anyone on the network path can read and alter HSS traffic");
  }
  // TLS / mTLS of the listener (server/tls/); the files are checked here, before gRPC sees them.
  auto listener_credentials = MakeListenerCredentials(options.listener_tls);
  if (!listener_credentials.ok()) {
    std::fprintf(stderr, "hss-gateway: %s\n",
                 std::string(listener_credentials.status().message()).c_str());
    return 2;
  }
  if (options.listener_tls.enabled()) {
    LogEvent("info", absl::StrCat("listener TLS: certificate ", options.listener_tls.cert_file,
                                  options.listener_tls.mutual()
                                      ? absl::StrCat(", client certificates required (CA ",
                                                     options.listener_tls.client_ca_file, ")")
                                      : std::string(", no client certificates"),
                                  "; files re-read every ",
                                  absl::FormatDuration(options.listener_tls.reload_interval)));
  }

  auto transport = CurlTransport::Create(options.transport);
  if (!transport.ok()) {
    std::fprintf(stderr, "hss-gateway: %s\n", transport.status().ToString().c_str());
    return 1;
  }
  std::shared_ptr<CurlTransport> http = *std::move(transport);

  auto scheduler = std::make_shared<ThreadScheduler>();
  auto setup = MakeCredentials(CredentialsConfigFrom(options), http, scheduler);
  if (!setup.ok()) {
    std::fprintf(stderr, "hss-gateway: %s\n", std::string(setup.status().message()).c_str());
    return 2;
  }
  if (!options.iam_endpoint_explicit && !setup->iam_endpoint.empty()) {
    options.iam_endpoint = setup->iam_endpoint;
    while (!options.iam_endpoint.empty() && options.iam_endpoint.back() == '/') {
      options.iam_endpoint.pop_back();
    }
  }
  if (options.default_project_id.empty()) options.default_project_id = setup->project_id;
  const bool gateway_owned = options.auth == AuthMode::kAksk || options.auth == AuthMode::kPassword;
  std::shared_ptr<ProjectResolver> resolver;
  if (options.default_project_id.empty() && gateway_owned && !options.region.empty()) {
    ProjectResolverOptions resolver_options;
    resolver_options.iam_endpoint = options.iam_endpoint;
    resolver_options.request_timeout = options.upstream_timeout;
    resolver_options.identity = setup->identity;
    resolver_options.fix = setup->fix;
    resolver_options.scheduler = scheduler;
    resolver = ProjectResolver::Create(std::move(resolver_options), http, setup->credentials);
    // Warm the cache now; calls without a project resolve it again if this fails.
    auto project = DiscoverProject(resolver, options.region, options.upstream_timeout);
    if (project.ok()) {
      options.default_project_id = *std::move(project);
      LogEvent("info",
               absl::StrCat("project of region ", options.region, " (from IAM at ",
                            RedactUrl(options.iam_endpoint), "): ", options.default_project_id));
    } else if (project.status().code() == absl::StatusCode::kUnavailable ||
               project.status().code() == absl::StatusCode::kDeadlineExceeded) {
      LogEvent("warning", absl::StrCat("no default project yet: ", project.status().message(),
                                       "; calls without project_id will ask IAM again"));
    } else {
      std::fprintf(stderr, "hss-gateway: %s\n", std::string(project.status().message()).c_str());
      return 2;
    }
  }

  RestHssStubOptions stub_options;
  stub_options.endpoint = options.endpoint;
  stub_options.per_attempt_timeout = options.upstream_timeout;
  stub_options.deadline_margin = options.deadline_margin;
  if (options.decode_threads > 0) {
    stub_options.decode_pool = std::make_shared<WorkPool>(options.decode_threads);
  }
  auto rest = std::make_shared<RestHssStub>(std::move(stub_options), http, setup->credentials);
  auto metrics = std::make_shared<UpstreamMetrics>();
  const ProtectionOptions& protection = options.protection;
  std::shared_ptr<RedisClient> shared_state;
  if (protection.shared_state.has_value()) {
    shared_state = StartSharedState(*protection.shared_state, metrics);
    if (shared_state == nullptr) {
      std::fprintf(stderr,
                   "hss-gateway: cannot start the Redis client (out of file descriptors)\n");
      return 1;
    }
    LogEvent("info",
             absl::StrCat("shared state: Redis at ", protection.shared_state->endpoint.ToString(),
                          ", command timeout ",
                          absl::FormatDuration(protection.shared_state->command_timeout),
                          "; while it is unreachable each of the ",
                          protection.shared_state->expected_replicas,
                          " expected replicas enforces its share of the limits"));
  }
  auto stub = MakeProtectedStub(rest, protection, scheduler, metrics, shared_state);
  LogEvent(
      "info",
      absl::StrCat(
          "upstream protection: rate limit ",
          DescribeLimit(protection.rate_limit.per_identity_per_minute,
                        protection.rate_limit.per_identity_burst),
          " per identity and ",
          DescribeLimit(protection.rate_limit.total_per_minute, protection.rate_limit.total_burst),
          " in total; ", protection.retry.max_attempts, " attempts per call; breaker after ",
          protection.breaker.failure_threshold, " failures for ",
          absl::FormatDuration(protection.breaker.cool_down), "; cache ",
          protection.cache.enabled
              ? absl::StrCat("on (ttl ", absl::FormatDuration(protection.cache.ttl), ", ",
                             protection.cache.max_bytes, " bytes)")
              : "off"));
  // Pages are retried by the protected stub; the walk itself does not retry again.
  auto connection = std::make_shared<PortsConnection>(
      stub, options.stream_prefetch_max_pages, /*walk_attempts=*/1,
      std::make_shared<StreamBufferBudget>(options.stream_buffer_budget_bytes),
      options.stream_prefetch_initial_pages);
  PortServiceOptions service_options;
  service_options.default_project_id = options.default_project_id;
  service_options.log_calls = options.log_calls;
  service_options.project_resolver = std::move(resolver);
  service_options.region = options.region;
  service_options.gateway_identity = setup->quota_identity;
  // Caller authorization (server/authz/): the policy file is polled on the scheduler's thread.
  if (!options.authz.policy_file.empty()) {
    auto authz =
        PolicyWatcher::Start(options.authz.policy_file, options.authz.reload_interval, scheduler);
    if (!authz.ok()) {
      std::fprintf(stderr, "hss-gateway: %s\n", std::string(authz.status().message()).c_str());
      return 2;
    }
    std::string identified_by = options.listener_tls.mutual() ? "their mTLS certificate" : "";
    if (!options.authz.trusted_identity_header.empty()) {
      absl::StrAppend(&identified_by, identified_by.empty() ? "" : " and ", "the trusted header ",
                      options.authz.trusted_identity_header);
    }
    LogEvent(identified_by.empty() ? "warning" : "info",
             absl::StrCat("caller authorization: ", (*authz)->policy()->rules().size(),
                          " rule(s) from ", options.authz.policy_file, ", checked every ",
                          absl::FormatDuration(options.authz.reload_interval), "; callers ",
                          identified_by.empty()
                              ? "cannot be identified (no --tls_client_ca_file, no "
                                "--authz_trusted_identity_header): only \"callers\": [\"*\"] "
                                "rules match"
                              : absl::StrCat("identified by ", identified_by)));
    service_options.authz = *std::move(authz);
    service_options.authz_trusted_identity_header = options.authz.trusted_identity_header;
  }
  // WatchPorts (server/watch/): pollers shared by every watcher of one server, timed by the
  // scheduler; the interval respects the per-identity rate limit.
  service_options.watch = std::make_shared<WatchHub>(connection, scheduler, options.watch);
  PortService service(std::move(service_options), connection);

  // Metrics: served when --metrics_listen is set.
  std::unique_ptr<MetricsServer> metrics_server;
  if (gateway_metrics != nullptr) {
    auto started = MetricsServer::Start(
        options.metrics_listen, {gateway_metrics, std::make_shared<ProtectionCollector>(metrics),
                                 std::make_shared<ProcessCollector>()});
    if (!started.ok()) {
      std::fprintf(stderr, "hss-gateway: %s\n", std::string(started.status().message()).c_str());
      return 1;
    }
    metrics_server = *std::move(started);
    LogEvent("info",
             absl::StrCat("metrics on http://",
                          options.metrics_listen.substr(0, options.metrics_listen.rfind(':')), ":",
                          metrics_server->port(), "/metrics"));
  }

  grpc::EnableDefaultHealthCheckService(true);
  // Links grpc.health.v1's descriptor in, so that reflection describes the
  // health service it lists (libgrpc++ serves it without one).
  (void)grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, *listener_credentials, &port);
  ApplyListenerOptions(options.listener, builder);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "hss-gateway: cannot listen on %s\n", options.listen.c_str());
    return 1;
  }
  auto* health = server->GetHealthCheckService();
  health->SetServingStatus(true);
  health->SetServingStatus(kServiceName, true);

  std::string where = options.listen.substr(0, options.listen.rfind(':'));
  std::printf("hss-gateway listening on %s:%d\n", where.c_str(), port);
  std::fflush(stdout);
  LogEvent("info", absl::StrCat(
                       "serving on ", where, ":", port, ", upstream ", RedactUrl(options.endpoint),
                       ", auth ", AuthModeName(options.auth), ", default project ",
                       options.default_project_id.empty() ? "(none)" : options.default_project_id));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogEvent("info", absl::StrCat("signal ", signal_number, ": draining"));
  DrainOptions drain;
  drain.prestop = options.drain_prestop;
  drain.drain_timeout = options.drain_timeout;
  auto wait_for_signal = [&stop_signals](absl::Duration timeout) {
    const timespec limit = absl::ToTimespec(timeout);
    int got = -1;
    do {
      got = sigtimedwait(&stop_signals, nullptr, &limit);
    } while (got < 0 && errno == EINTR);
    return got > 0;
  };
  if (DrainServer(*server, service, drain, wait_for_signal) == DrainOutcome::kForced) {
    // The calls still running hold the server: end the process now.
    FlushLog(absl::Seconds(1));
    std::fflush(nullptr);
    _exit(0);
  }
  // Stop the threads from here: a callback finishing on one of them could
  // otherwise drop the last reference to its owner there.
  if (shared_state != nullptr) shared_state->Shutdown();
  http->Shutdown();
  scheduler->Shutdown();
  LogEvent("info", absl::StrCat("stopped; upstream counters: ",
                                absl::StrReplaceAll(metrics->ToText(), {{"\n", ", "}})));
  return 0;
}

}  // namespace
}  // namespace hss::gateway

// jemalloc (linked in by default, see CMakeLists.txt) reads its options from
// this symbol; glibc's malloc ignores it. Freed pages go back to the kernel
// within a second, so a burst of streams does not leave the RSS high.
extern "C" {
const char* malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
}

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so that only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Debian builds Abseil without NDEBUG, which leaves Mutex deadlock detection
  // (a global lock-order graph updated on every lock) on in production.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#ifndef HSS_WITH_JEMALLOC
  // glibc's malloc (builds without jemalloc, e.g. under sanitizers): pages are
  // parsed and freed at a high rate, so keep freed memory for reuse instead of
  // returning it to the kernel after every page (page-fault churn).
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif

  absl::SetProgramUsageMessage(
      "gRPC gateway for Huawei Cloud HSS open ports.\n"
      "  hss-gateway --endpoint=http://127.0.0.1:8080 --auth=passthrough --project_id=P\n"
      "  hss-gateway --region=cn-north-4 --auth=token   (token in env HSS_AUTH_TOKEN)\n"
      "  hss-gateway --region=cn-north-4 --auth=aksk    (env HUAWEICLOUD_SDK_AK/_SK or "
      "~/.huaweicloud/credentials)\n"
      "  hss-gateway --region=cn-north-4 --auth=password --iam_user=U --iam_domain=ACCOUNT "
      "(env HSS_IAM_PASSWORD)");
  hss::ConfigureFlagsUsage("hss-gateway", "server/config/");
  absl::ParseCommandLine(argc, argv);
  auto options = hss::gateway::GatewayOptionsFromFlags(hss::gateway::GetEnv);
  if (!options.ok()) {
    std::fprintf(stderr, "hss-gateway: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  const int exit_code = hss::gateway::Run(*std::move(options), stop_signals);
  // The log's own thread writes the lines: let it write the last ones (the
  // shutdown lines, or why start-up failed) before the process ends.
  hss::gateway::FlushLog(absl::Seconds(5));
  return exit_code;
}
