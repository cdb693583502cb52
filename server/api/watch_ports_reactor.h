#ifndef HSS_SERVER_API_WATCH_PORTS_REACTOR_H_
#define HSS_SERVER_API_WATCH_PORTS_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "hss/ports/v1/ports.pb.h"
#include "server/api/drain_signal.h"
#include "server/api/port_service_options.h"
#include "server/connection/ports_connection.h"

namespace hss::gateway {

// Starts one WatchPorts call for `request` (parsed): joins the poller of its
// (identity, project, filters) in options.watch (which must be set) and
// writes what the poller queues for it; `drain` ends it with
// GATEWAY_DRAINING. The reactor owns itself until gRPC's OnDone.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartWatchPorts(
    const PortServiceOptions& options, grpc::CallbackServerContext* context,
    hss::ports::v1::WatchPortsRequest* request, std::shared_ptr<DrainSignal> drain);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_WATCH_PORTS_REACTOR_H_
