#ifndef HSS_SERVER_API_GRACEFUL_DRAIN_H_
#define HSS_SERVER_API_GRACEFUL_DRAIN_H_

#include <grpcpp/server.h>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "server/api/port_service.h"

namespace hss::gateway {

// How the gateway stops after SIGTERM.
struct DrainOptions {
  // Pre-stop: the listener stays open answering health NOT_SERVING (and
  // serving calls as before) this long, so probes and balancers see it.
  absl::Duration prestop = absl::Seconds(5);
  // Then: no new calls; unary calls in flight finish, streams go on until
  // this much time has passed and then end with GATEWAY_DRAINING.
  absl::Duration drain_timeout = absl::Seconds(15);
  // After the streams were ended, how long their last writes and statuses
  // may take before gRPC cancels what is left.
  absl::Duration final_write_grace = absl::Seconds(1);
};

// How DrainServer() ended.
enum class DrainOutcome {
  // Every call ended (or was cancelled at the deadline); the server is down.
  kDrained,
  // Another stop signal came: the streams were ended, the rest was not
  // waited for; the caller should exit at once.
  kForced,
};

// Waits up to `timeout` for another stop signal; returns true if one came.
using StopSignalWait = absl::FunctionRef<bool(absl::Duration timeout)>;

// Drains `server` (already started, with the default health service) on the
// first stop signal: health NOT_SERVING at once, the pre-stop period, then
// Server::Shutdown while in-flight calls finish, `service`'s streams ended at
// the drain deadline (PortService::EndStreamsForDrain). A stop signal seen by
// `wait_for_signal` during pre-stop or drain forces a fast end. Blocks.
DrainOutcome DrainServer(grpc::Server& server, PortService& service, const DrainOptions& options,
                         StopSignalWait wait_for_signal);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_GRACEFUL_DRAIN_H_
