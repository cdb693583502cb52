#include "server/auth/token_credentials.h"

#include <utility>

#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

absl::Status ValidateToken(absl::string_view token) {
  if (token.empty()) {
    return MakeError(absl::StatusCode::kUnauthenticated,
                     "no upstream token: send metadata 'x-auth-token: <IAM token>' or "
                     "'authorization: Bearer <IAM token>'",
                     kReasonMissingCredentials);
  }
  if (token.size() > 16384) {
    return MakeError(absl::StatusCode::kUnauthenticated,
                     "the upstream token is longer than 16384 characters",
                     kReasonMalformedCredentials);
  }
  for (char c : token) {
    if (c <= 0x20 || c >= 0x7f) {
      return MakeError(absl::StatusCode::kUnauthenticated,
                       "the upstream token contains a character that is not visible ASCII "
                       "(space, control or non-ASCII byte)",
                       kReasonMalformedCredentials);
    }
  }
  return absl::OkStatus();
}

void PassthroughCredentials::Authorize(HttpRequest request, const CallContext& context,
                                       AuthorizeCallback done) {
  if (absl::Status status = ValidateToken(context.passthrough_token); !status.ok()) {
    std::move(done)(std::move(status));
    return;
  }
  request.headers.emplace_back("X-Auth-Token", context.passthrough_token);
  std::move(done)(std::move(request));
}

void StaticTokenCredentials::Authorize(HttpRequest request, const CallContext& /*context*/,
                                       AuthorizeCallback done) {
  request.headers.emplace_back("X-Auth-Token", token_);
  std::move(done)(std::move(request));
}

}  // namespace hss::gateway
