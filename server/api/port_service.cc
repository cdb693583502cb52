#include "server/api/port_service.h"

#include <memory>
#include <utility>

#include "server/api/call_setup.h"
#include "server/api/list_ports_reactor.h"
#include "server/api/request_parser.h"
#include "server/api/stream_ports_reactor.h"
#include "server/api/watch_ports_reactor.h"

namespace hss::gateway {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::WatchPortsRequest;

PortService::PortService(PortServiceOptions options, std::shared_ptr<PortsConnection> connection)
    : options_(std::move(options)), connection_(std::move(connection)) {}

grpc::ServerUnaryReactor* PortService::ListPorts(grpc::CallbackServerContext* context,
                                                 const grpc::ByteBuffer* request_bytes,
                                                 grpc::ByteBuffer* response) {
  ListPortsRequest request;
  if (absl::Status status = ParseRequest(*request_bytes, request); !status.ok()) {
    grpc::ServerUnaryReactor* refused = context->DefaultReactor();
    refused->Finish(RefuseUnparsable(options_, RpcMethod::kListPorts, "ListPorts", status));
    return refused;
  }
  return StartListPorts(options_, context, &request, response, connection_);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* PortService::StreamPorts(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes) {
  StreamPortsRequest request;
  if (absl::Status status = ParseRequest(*request_bytes, request); !status.ok()) {
    return new RefusedWriteReactor(
        RefuseUnparsable(options_, RpcMethod::kStreamPorts, "StreamPorts", status));
  }
  return StartStreamPorts(options_, context, &request, connection_, drain_);
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* PortService::WatchPorts(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes) {
  if (options_.watch == nullptr) {
    return new RefusedWriteReactor(
        grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "WatchPorts is not enabled on this server"));
  }
  WatchPortsRequest request;
  if (absl::Status status = ParseRequest(*request_bytes, request); !status.ok()) {
    return new RefusedWriteReactor(
        RefuseUnparsable(options_, RpcMethod::kWatchPorts, "WatchPorts", status));
  }
  return StartWatchPorts(options_, context, &request, drain_);
}

void PortService::EndStreamsForDrain() { drain_->Drain(); }

}  // namespace hss::gateway
