#ifndef HSS_SERVER_PROTECTION_UPSTREAM_CALL_KEY_H_
#define HSS_SERVER_PROTECTION_UPSTREAM_CALL_KEY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/runtime/call_context.h"

namespace hss::gateway {

// Returns a key that is equal for two calls exactly when the upstream would
// see the same request from the same caller: the upstream identity, the full
// SHA-256 of the passthrough token (when there is one, so that callers whose
// identities collide still never share data), and the request target of
// ListPortsTarget(project_id, request) (path and query in their fixed order;
// fields the upstream does not receive do not count). Used by coalescing and
// the page cache. Holds no secret.
std::string UpstreamCallKey(const CallContext& context, absl::string_view project_id,
                            const hss::ports::v1::ListPortsRequest& request);

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_UPSTREAM_CALL_KEY_H_
