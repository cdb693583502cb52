#include "client/calls/call_settings.h"

#include "client/calls/auth_token.h"

namespace hss::client {

void AddAuthMetadata(const CallSettings& settings, grpc::ClientContext& context) {
  if (settings.auth_token.has_value()) {
    context.AddMetadata(std::string(kAuthTokenMetadataKey), *settings.auth_token);
  }
}

void SetDeadline(absl::Duration timeout, grpc::ClientContext& context) {
  if (timeout >= absl::Hours(24 * 365)) return;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

}  // namespace hss::client
