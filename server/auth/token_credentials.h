#ifndef HSS_SERVER_AUTH_TOKEN_CREDENTIALS_H_
#define HSS_SERVER_AUTH_TOKEN_CREDENTIALS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth/credentials.h"

namespace hss::gateway {

// Checks that `token` can be sent as an HTTP header value: 1-16384 visible
// ASCII characters (no spaces, CR, LF or NUL). The error never echoes the token.
absl::Status ValidateToken(absl::string_view token);

// Sends each caller's own token (CallContext::passthrough_token) as
// X-Auth-Token (--auth=passthrough). A call without one is UNAUTHENTICATED.
class PassthroughCredentials final : public Credentials {
 public:
  void Authorize(HttpRequest request, const CallContext& context, AuthorizeCallback done) override;
};

// Sends one fixed token, configured at start-up, as X-Auth-Token (--auth=token).
class StaticTokenCredentials final : public Credentials {
 public:
  // `token` must satisfy ValidateToken().
  explicit StaticTokenCredentials(std::string token) : token_(std::move(token)) {}

  void Authorize(HttpRequest request, const CallContext& context, AuthorizeCallback done) override;

 private:
  const std::string token_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_TOKEN_CREDENTIALS_H_
