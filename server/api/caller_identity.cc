#include "server/api/caller_identity.h"

#include <grpc/grpc_security_constants.h>
#include <grpcpp/security/auth_context.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/authz/xfcc.h"

namespace hss::gateway {
namespace {

// Appends `prefix` + each value of `property` of `auth`.
void AddProperty(const grpc::AuthContext& auth, const char* property, absl::string_view prefix,
                 std::vector<std::string>& out) {
  for (const grpc::string_ref& value : auth.FindPropertyValues(property)) {
    std::string identity = absl::StrCat(prefix, absl::string_view(value.data(), value.size()));
    if (std::find(out.begin(), out.end(), identity) == out.end())
      out.push_back(std::move(identity));
  }
}

}  // namespace

Caller CallerOf(const grpc::ServerContextBase& context, absl::string_view trusted_header) {
  Caller caller;
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    AddProperty(*auth, GRPC_PEER_URI_PROPERTY_NAME, "", caller.identities);
    AddProperty(*auth, GRPC_PEER_SPIFFE_ID_PROPERTY_NAME, "", caller.identities);
    AddProperty(*auth, GRPC_PEER_DNS_PROPERTY_NAME, "dns:", caller.identities);
    AddProperty(*auth, GRPC_X509_CN_PROPERTY_NAME, "cn:", caller.identities);
  }
  if (!trusted_header.empty()) {
    const auto& metadata = context.client_metadata();
    auto it = metadata.find(grpc::string_ref(trusted_header.data(), trusted_header.size()));
    if (it != metadata.end()) {
      const absl::string_view value =
          absl::StripAsciiWhitespace(absl::string_view(it->second.data(), it->second.size()));
      if (trusted_header == "x-forwarded-client-cert") {
        for (std::string& identity : IdentitiesFromXfcc(value)) {
          caller.identities.push_back(std::move(identity));
        }
      } else if (!value.empty()) {
        caller.identities.emplace_back(value);
      }
    }
  }
  return caller;
}

}  // namespace hss::gateway
