#ifndef HSS_SERVER_API_STREAM_PORTS_REACTOR_H_
#define HSS_SERVER_API_STREAM_PORTS_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "hss/ports/v1/ports.pb.h"
#include "server/api/drain_signal.h"
#include "server/api/port_service_options.h"
#include "server/connection/ports_connection.h"

namespace hss::gateway {

// Starts one StreamPorts call for `request` (parsed): walks its pages through
// `connection` and writes each one, with backpressure; `drain` ends it (after
// the write outstanding) with GATEWAY_DRAINING and `resumeOffset`. The reactor
// owns itself until gRPC's OnDone.
grpc::ServerWriteReactor<grpc::ByteBuffer>* StartStreamPorts(
    const PortServiceOptions& options, grpc::CallbackServerContext* context,
    hss::ports::v1::StreamPortsRequest* request, std::shared_ptr<PortsConnection> connection,
    std::shared_ptr<DrainSignal> drain);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_STREAM_PORTS_REACTOR_H_
