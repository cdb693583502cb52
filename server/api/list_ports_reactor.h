#ifndef HSS_SERVER_API_LIST_PORTS_REACTOR_H_
#define HSS_SERVER_API_LIST_PORTS_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "hss/ports/v1/ports.pb.h"
#include "server/api/drain_signal.h"
#include "server/api/port_service_options.h"
#include "server/connection/ports_connection.h"

namespace hss::gateway {

// Starts one ListPorts call for `request` (parsed): validates it, fetches one
// page through `connection` into `response` (serialized) and finishes. The
// reactor owns itself until gRPC's OnDone.
grpc::ServerUnaryReactor* StartListPorts(const PortServiceOptions& options,
                                         grpc::CallbackServerContext* context,
                                         hss::ports::v1::ListPortsRequest* request,
                                         grpc::ByteBuffer* response,
                                         std::shared_ptr<PortsConnection> connection);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_LIST_PORTS_REACTOR_H_
