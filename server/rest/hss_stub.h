#ifndef HSS_SERVER_REST_HSS_STUB_H_
#define HSS_SERVER_REST_HSS_STUB_H_

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/runtime/call_context.h"

namespace hss::gateway {

// One upstream page of ports, with what the gateway logs about it.
struct PortsPage {
  // The mapped page.
  hss::ports::v1::ListPortsResponse response;
  // False when the upstream omitted total_num (then response.total_num is 0).
  bool has_total_num = false;
  // Record fields that had an unexpected JSON type and were left unset.
  int skipped_values = 0;
  // The upstream's X-Request-Id, if it sent one.
  std::string request_id;
  // The upstream's HTTP status (2xx).
  int http_status = 0;
  // How long ago HSS answered: zero for a page just fetched; a page another
  // replica fetched and shared (SharedPagesHssStub) is older.
  absl::Duration age = absl::ZeroDuration();
};

// Receives one page or the reason it could not be fetched. Runs on a transport
// thread; must not block.
using PortsPageCallback = absl::AnyInvocable<void(absl::StatusOr<PortsPage>) &&>;

// The seam between the gateway's policies and HSS: one async call per upstream
// request, no retries, no caching. Faked in tests.
class HssStub {
 public:
  virtual ~HssStub() = default;

  // Fetches one page of `request` (already validated) for `project_id` (already
  // resolved). `done` runs exactly once, possibly before this returns.
  virtual void AsyncListPorts(const CallContext& context, const std::string& project_id,
                              const hss::ports::v1::ListPortsRequest& request,
                              PortsPageCallback done) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_REST_HSS_STUB_H_
