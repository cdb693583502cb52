#ifndef HSS_SERVER_AUTH_CREDENTIALS_H_
#define HSS_SERVER_AUTH_CREDENTIALS_H_

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "server/http/http_transport.h"
#include "server/runtime/call_context.h"

namespace hss::gateway {

// Receives an upstream request with its authentication added, or why it could
// not be authenticated.
using AuthorizeCallback = absl::AnyInvocable<void(absl::StatusOr<HttpRequest>) &&>;

// Adds the upstream's authentication (a token header, an AK/SK signature, ...)
// to outbound requests. Asynchronous because some sources must first fetch or
// refresh a token. Implementations are thread-safe and never log secrets.
class Credentials {
 public:
  virtual ~Credentials() = default;

  // Authenticates `request` for the call described by `context`; `done` runs
  // exactly once, possibly before Authorize() returns.
  virtual void Authorize(HttpRequest request, const CallContext& context,
                         AuthorizeCallback done) = 0;

  // Called when the upstream rejected `request`, as authorized by this object,
  // because its token expired (HTTP 401 APIG.0307). Returns true when the
  // token was invalidated (or already replaced), so that authorizing the call
  // again can succeed: the caller then retries it once. The default, for
  // credentials without a token of their own, returns false.
  virtual bool OnTokenRejected(const HttpRequest& /*request*/) { return false; }
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_CREDENTIALS_H_
