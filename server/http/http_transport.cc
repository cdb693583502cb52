#include "server/http/http_transport.h"

#include "absl/strings/match.h"

namespace hss::gateway {

absl::string_view HttpResponse::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

}  // namespace hss::gateway
