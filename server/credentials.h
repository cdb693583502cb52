#ifndef HSS_SERVER_CREDENTIALS_H_
#define HSS_SERVER_CREDENTIALS_H_

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "server/call_context.h"
#include "server/http_transport.h"

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
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_CREDENTIALS_H_
