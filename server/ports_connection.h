#ifndef HSS_SERVER_PORTS_CONNECTION_H_
#define HSS_SERVER_PORTS_CONNECTION_H_

#include <memory>
#include <string>

#include "server/call_context.h"
#include "server/hss_stub.h"

namespace hss::gateway {

// The gateway's policies between the gRPC edge and the HssStub. Requests
// arrive validated, with their project resolved.
class PortsConnection {
 public:
  explicit PortsConnection(std::shared_ptr<HssStub> stub);

  // Fetches one page: exactly one upstream request.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request, PortsPageCallback done);

 private:
  const std::shared_ptr<HssStub> stub_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PORTS_CONNECTION_H_
