#ifndef HSS_TESTS_E2E_GATEWAY_ENV_H_
#define HSS_TESTS_E2E_GATEWAY_ENV_H_

#include <grpcpp/support/channel_arguments.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hss/ports/v1/ports.grpc.pb.h"
#include "tests/e2e/child_process.h"

namespace hss::testing {

// Paths of the binaries under test, set by CMake.
std::string GatewayBinary();
std::string SimBinary();

// One API request as recorded by hss-sim's /_sim/requests.
struct SimRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::string auth;
  int status = 0;
  std::string request_id;
  // Headers (names lower-cased; credentials are never logged); repeated ones keep the last.
  std::map<std::string, std::string> headers;
};

// How to start the pair of processes.
struct GatewayEnvOptions {
  // Extra hss-sim flags (the listen address is always a free loopback port).
  std::vector<std::string> sim_args;
  // Extra hss-gateway flags (listen, endpoint and project id are set unless given here).
  std::vector<std::string> gateway_args;
  // Extra environment for hss-gateway ("NAME=value").
  std::vector<std::string> gateway_env;
  // Start the gateway against this endpoint instead of the simulator.
  std::optional<std::string> endpoint_override;
  // Gateway replicas against the same simulator, with the same flags (drain
  // tests: a stream drained on one resumes on another). Every gateway gets
  // --drain_prestop=0s unless gateway_args say otherwise, so stops are fast.
  int gateway_replicas = 1;
};

// hss-sim and hss-gateway running as processes on loopback, with helpers to
// call the gateway as a client would and to steer and inspect the simulator.
class GatewayEnv {
 public:
  // The project id the gateway is configured with.
  static constexpr char kProject[] = "e2e-project";
  // The token sent by TokenContext()/the default passthrough calls.
  static constexpr char kToken[] = "e2e-token";

  static absl::StatusOr<std::unique_ptr<GatewayEnv>> Start(GatewayEnvOptions options = {});

  // Stops the gateway, then the simulator, with SIGTERM. Adds a test failure,
  // with the end of the program's stderr, when either one exited during the
  // test, did not exit 0 on SIGTERM or printed a sanitizer report; when the
  // test failed anyway, prints the end of the gateway's stderr.
  ~GatewayEnv();

  // "127.0.0.1:PORT" of the gateway.
  std::string gateway_target() const;
  // "http://127.0.0.1:PORT" of the simulator.
  std::string sim_url() const;
  // A new stub on a new channel to the gateway.
  std::unique_ptr<hss::ports::v1::PortService::Stub> NewStub() const;
  // A new stub on a new channel with `args`.
  std::unique_ptr<hss::ports::v1::PortService::Stub> NewStub(
      const grpc::ChannelArguments& args) const;
  // Sets the passthrough token metadata and a deadline on `context`.
  static void Prepare(grpc::ClientContext& context, absl::Duration timeout = absl::Seconds(10));

  // Calls the simulator's control API; returns the HTTP status and body.
  absl::StatusOr<std::pair<long, std::string>> SimCall(const std::string& method,
                                                       const std::string& path,
                                                       const std::string& body = "") const;
  // Adds a fault rule (JSON object, see sim/README or sim/faults/fault_injector.h).
  void AddFault(const std::string& rule_json) const;
  // Removes all fault rules.
  void ClearFaults() const;
  // The API requests the simulator received, oldest first.
  std::vector<SimRequest> SimRequests() const;
  // Clears the simulator's request log.
  void ClearSimRequests() const;

  ChildProcess& gateway() { return *gateway_; }
  ChildProcess& sim() { return *sim_; }

  // Replica `index` (0: gateway(), 1..gateway_replicas-1: the others).
  ChildProcess& gateway(int index) { return index == 0 ? *gateway_ : *replicas_[index - 1]; }
  // "127.0.0.1:PORT" of replica `index`.
  std::string gateway_target(int index) const;
  // A new stub on a new channel to replica `index`.
  std::unique_ptr<hss::ports::v1::PortService::Stub> NewStub(int index) const;

 private:
  GatewayEnv() = default;
  std::optional<ChildProcess> sim_;
  std::optional<ChildProcess> gateway_;
  // Replicas 1.. (reserved up front: never reallocated).
  std::vector<std::optional<ChildProcess>> replicas_;
};

}  // namespace hss::testing

#endif  // HSS_TESTS_E2E_GATEWAY_ENV_H_
