#include "server/ports_connection.h"

#include <utility>

namespace hss::gateway {

PortsConnection::PortsConnection(std::shared_ptr<HssStub> stub) : stub_(std::move(stub)) {}

void PortsConnection::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                     const hss::ports::v1::ListPortsRequest& request,
                                     PortsPageCallback done) {
  stub_->AsyncListPorts(context, project_id, request, std::move(done));
}

}  // namespace hss::gateway
