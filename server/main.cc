// hss-gateway: the gRPC gateway in front of Huawei Cloud HSS open-port queries.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <cstdio>
#include <memory>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/call_log.h"
#include "server/curl_transport.h"
#include "server/gateway_options.h"
#include "server/port_service.h"
#include "server/ports_connection.h"
#include "server/rest_hss_stub.h"
#include "server/token_credentials.h"

namespace hss::gateway {
namespace {

constexpr char kServiceName[] = "hss.ports.v1.PortService";

std::shared_ptr<Credentials> MakeCredentials(const GatewayOptions& options) {
  switch (options.auth) {
    case AuthMode::kToken:
      return std::make_shared<StaticTokenCredentials>(options.token);
    case AuthMode::kPassthrough:
      break;
  }
  return std::make_shared<PassthroughCredentials>();
}

absl::string_view AuthModeName(AuthMode mode) {
  return mode == AuthMode::kToken ? "token" : "passthrough";
}

int Run(const GatewayOptions& options, const sigset_t& stop_signals) {
  if (options.auth == AuthMode::kToken) {
    if (absl::Status s = ValidateToken(options.token); !s.ok()) {
      std::fprintf(stderr, "hss-gateway: HSS_AUTH_TOKEN is unusable: %s\n",
                   std::string(s.message()).c_str());
      return 2;
    }
  }
  if (options.transport.insecure_skip_tls_verify) {
    LogEvent("warning",
             "--insecure_skip_tls_verify is ON: the upstream's TLS certificate is NOT verified; "
             "anyone on the network path can read and alter HSS traffic");
  }
  auto transport = CurlTransport::Create(options.transport);
  if (!transport.ok()) {
    std::fprintf(stderr, "hss-gateway: %s\n", transport.status().ToString().c_str());
    return 1;
  }
  std::shared_ptr<CurlTransport> http = *std::move(transport);

  RestHssStubOptions stub_options;
  stub_options.endpoint = options.endpoint;
  stub_options.per_attempt_timeout = options.upstream_timeout;
  stub_options.deadline_margin = options.deadline_margin;
  auto stub =
      std::make_shared<RestHssStub>(std::move(stub_options), http, MakeCredentials(options));
  auto connection = std::make_shared<PortsConnection>(stub, options.stream_prefetch_pages);
  PortService service({options.default_project_id, options.log_calls}, connection);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &port);
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
                       "serving on ", where, ":", port, ", upstream ", options.endpoint, ", auth ",
                       AuthModeName(options.auth), ", default project ",
                       options.default_project_id.empty() ? "(none)" : options.default_project_id));

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  LogEvent("info", absl::StrCat("signal ", signal_number, ": NOT_SERVING, draining for up to ",
                                absl::FormatDuration(options.drain_timeout)));
  health->SetServingStatus(false);
  server->Shutdown(absl::ToChronoTime(absl::Now() + options.drain_timeout));
  server->Wait();
  LogEvent("info", "stopped");
  return 0;
}

}  // namespace
}  // namespace hss::gateway

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so that only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::SetProgramUsageMessage(
      "gRPC gateway for Huawei Cloud HSS open ports.\n"
      "  hss-gateway --endpoint=http://127.0.0.1:8080 --auth=passthrough --project_id=P\n"
      "  hss-gateway --region=cn-north-4 --auth=token   (token in env HSS_AUTH_TOKEN)");
  absl::ParseCommandLine(argc, argv);
  auto options = hss::gateway::GatewayOptionsFromFlags(hss::gateway::GetEnv);
  if (!options.ok()) {
    std::fprintf(stderr, "hss-gateway: %s\n", std::string(options.status().message()).c_str());
    return 2;
  }
  return hss::gateway::Run(*options, stop_signals);
}
