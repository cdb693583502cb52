#ifndef HSS_SERVER_API_PORT_SERVICE_H_
#define HSS_SERVER_API_PORT_SERVICE_H_

#include <memory>

#include "hss/ports/v1/ports.grpc.pb.h"
#include "server/api/drain_signal.h"
#include "server/api/port_service_options.h"
#include "server/connection/ports_connection.h"

namespace hss::gateway {

// The generated service with every method as a raw (byte buffer) callback
// method: the service parses requests itself (request_parser.h).
using RawPortServiceBase = hss::ports::v1::PortService::WithRawCallbackMethod_ListPorts<
    hss::ports::v1::PortService::WithRawCallbackMethod_StreamPorts<
        hss::ports::v1::PortService::WithRawCallbackMethod_WatchPorts<
            hss::ports::v1::PortService::Service>>>;

// hss.ports.v1.PortService on gRPC's callback API: each call is a reactor that
// validates the request, starts the upstream work and finishes from the
// completion callback, so no thread waits on a call. This is the only place
// where absl::Status becomes grpc::Status.
//
// Requests arrive as bytes and are parsed here (ParseRequest): a request that
// does not parse gets INVALID_ARGUMENT naming what was wrong, where gRPC C++
// would answer UNIMPLEMENTED with no message and protobuf would log a line.
class PortService final : public RawPortServiceBase {
 public:
  PortService(PortServiceOptions options, std::shared_ptr<PortsConnection> connection);

  // A serialized hss.ports.v1.ListPortsRequest in, ListPortsResponse out.
  grpc::ServerUnaryReactor* ListPorts(grpc::CallbackServerContext* context,
                                      const grpc::ByteBuffer* request,
                                      grpc::ByteBuffer* response) override;

  // A serialized hss.ports.v1.StreamPortsRequest in, StreamPortsResponse
  // messages out.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StreamPorts(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer* request) override;

  // A serialized hss.ports.v1.WatchPortsRequest in, WatchPortsResponse
  // messages out.
  grpc::ServerWriteReactor<grpc::ByteBuffer>* WatchPorts(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer* request) override;

  // Ends every StreamPorts call in flight, and any that starts later, with
  // UNAVAILABLE, ErrorInfo reason GATEWAY_DRAINING and `resumeOffset` (the
  // offset of the first port not yet delivered): a page being written is
  // delivered first, nothing more is fetched. ListPorts calls are not
  // affected. WatchPorts calls end the same way (after the message being
  // written; no resumeOffset: the caller watches again, elsewhere).
  // Thread-safe; later calls do nothing.
  void EndStreamsForDrain();

 private:
  const PortServiceOptions options_;
  const std::shared_ptr<PortsConnection> connection_;
  // Fired by EndStreamsForDrain(); every stream registers on it.
  const std::shared_ptr<DrainSignal> drain_ = std::make_shared<DrainSignal>();
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_PORT_SERVICE_H_
