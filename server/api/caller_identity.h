#ifndef HSS_SERVER_API_CALLER_IDENTITY_H_
#define HSS_SERVER_API_CALLER_IDENTITY_H_

#include <grpcpp/server_context.h>

#include <string>

#include "absl/strings/string_view.h"
#include "server/authz/caller.h"

namespace hss::gateway {

// Who is calling: the identities of the caller's verified mTLS certificate
// (from gRPC's AuthContext: URI SANs such as SPIFFE ids, then "dns:" DNS SANs,
// then "cn:" the subject CN), followed, when `trusted_header` is set, by those
// the mesh proxy put in that metadata (x-forwarded-client-cert is parsed as
// Envoy's XFCC; any other header's value is one identity as is). Only a
// header the operator declared trusted is read: a caller could send any.
Caller CallerOf(const grpc::ServerContextBase& context, absl::string_view trusted_header);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_CALLER_IDENTITY_H_
