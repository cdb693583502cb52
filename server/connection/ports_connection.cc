#include "server/connection/ports_connection.h"

#include <utility>

namespace hss::gateway {

PortsConnection::PortsConnection(std::shared_ptr<HssStub> stub, int prefetch_pages,
                                 int walk_attempts)
    : stub_(std::move(stub)), prefetch_pages_(prefetch_pages), walk_attempts_(walk_attempts) {}

void PortsConnection::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                     const hss::ports::v1::ListPortsRequest& request,
                                     PortsPageCallback done) {
  stub_->AsyncListPorts(context, project_id, request, std::move(done));
}

std::shared_ptr<PageWalk> PortsConnection::NewWalk(const CallContext& context,
                                                   const std::string& project_id,
                                                   hss::ports::v1::ListPortsRequest query,
                                                   int page_size, int start_offset,
                                                   absl::AnyInvocable<void()> notify) {
  PageWalkOptions options;
  options.page_size = page_size;
  options.start_offset = start_offset;
  options.prefetch_pages = prefetch_pages_;
  options.max_attempts = walk_attempts_;
  return PageWalk::Create(stub_, context, project_id, std::move(query), options, std::move(notify));
}

}  // namespace hss::gateway
