#include "server/protection/upstream_call_key.h"

#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/aksk_signer.h"
#include "common/uri_encoding.h"
#include "server/rest/upstream_query.h"

namespace hss::gateway {

std::string UpstreamCallKey(const CallContext& context, absl::string_view project_id,
                            const hss::ports::v1::ListPortsRequest& request) {
  const UpstreamTarget target = ListPortsTarget(project_id, request);
  const std::string token_hash = context.passthrough_token.empty()
                                     ? std::string()
                                     : hss::HexSha256(std::string_view(context.passthrough_token));
  // Length-prefixed identity: no identity can pass for another plus a path.
  return absl::StrCat(context.upstream_identity.size(), ":", context.upstream_identity, "|",
                      token_hash, "|", target.path, "?", hss::EncodeQuery(target.query));
}

}  // namespace hss::gateway
