#include "server/connection/ports_connection.h"

#include <utility>

namespace hss::gateway {

PortsConnection::PortsConnection(std::shared_ptr<HssStub> stub, int prefetch_max_pages,
                                 int walk_attempts, std::shared_ptr<StreamBufferBudget> budget,
                                 int prefetch_initial_pages)
    : stub_(std::move(stub)),
      prefetch_max_pages_(prefetch_max_pages),
      walk_attempts_(walk_attempts),
      budget_(std::move(budget)),
      prefetch_initial_pages_(prefetch_initial_pages) {}

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
  options.prefetch_initial_pages = prefetch_initial_pages_;
  options.prefetch_max_pages = prefetch_max_pages_;
  options.budget = budget_;
  options.max_attempts = walk_attempts_;
  return PageWalk::Create(stub_, context, project_id, std::move(query), options, std::move(notify));
}

}  // namespace hss::gateway
