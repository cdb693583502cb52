#ifndef HSS_SERVER_CONNECTION_PORTS_CONNECTION_H_
#define HSS_SERVER_CONNECTION_PORTS_CONNECTION_H_

#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "server/connection/page_walk.h"
#include "server/connection/stream_buffer_budget.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/call_context.h"

namespace hss::gateway {

// The gateway's policies between the gRPC edge and the HssStub. Requests
// arrive validated, with their project resolved.
class PortsConnection {
 public:
  // Each walk's prefetch window adapts between `prefetch_initial_pages` and
  // `prefetch_max_pages` (PageWalkOptions); `budget` (may be null) bounds the
  // bytes all walks hold ahead of their consumers; `walk_attempts` is a
  // walk's attempts per page (1 when `stub` retries).
  PortsConnection(std::shared_ptr<HssStub> stub, int prefetch_max_pages, int walk_attempts = 2,
                  std::shared_ptr<StreamBufferBudget> budget = nullptr,
                  int prefetch_initial_pages = 1);

  // Fetches one page: exactly one upstream request.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request, PortsPageCallback done);

  // Creates (but does not start) a walk over all pages of `query` from
  // `start_offset`, `page_size` ports at a time; see PageWalk.
  std::shared_ptr<PageWalk> NewWalk(const CallContext& context, const std::string& project_id,
                                    hss::ports::v1::ListPortsRequest query, int page_size,
                                    int start_offset, absl::AnyInvocable<void()> notify);

 private:
  const std::shared_ptr<HssStub> stub_;
  const int prefetch_max_pages_;
  const int walk_attempts_;
  const std::shared_ptr<StreamBufferBudget> budget_;
  const int prefetch_initial_pages_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_CONNECTION_PORTS_CONNECTION_H_
