#ifndef HSS_CLIENT_CALLS_CALL_SETTINGS_H_
#define HSS_CLIENT_CALLS_CALL_SETTINGS_H_

// What every call hss-ports makes carries.

#include <grpcpp/client_context.h>

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace hss::client {

// Settings shared by ListPorts and StreamPorts calls.
struct CallSettings {
  // The token passed through as x-auth-token; nullopt: none is sent.
  std::optional<std::string> auth_token;
  // list: the call's deadline; stream: the longest wait for a page.
  absl::Duration timeout = absl::Seconds(10);
};

// Adds the x-auth-token metadata of `settings` (if any) to `context`.
void AddAuthMetadata(const CallSettings& settings, grpc::ClientContext& context);

// Sets `context`'s deadline to now + `timeout`; leaves it unset (no deadline)
// for a timeout of a year or more, such as absl::InfiniteDuration().
void SetDeadline(absl::Duration timeout, grpc::ClientContext& context);

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_CALL_SETTINGS_H_
