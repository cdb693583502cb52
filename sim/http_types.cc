#include "sim/http_types.h"

#include "absl/strings/match.h"

namespace hss::sim {
namespace {

const std::string* FindIn(const std::vector<HttpHeader>& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) return &value;
  }
  return nullptr;
}

}  // namespace

const std::string* SimHttpRequest::FindHeader(std::string_view name) const {
  return FindIn(headers, name);
}

size_t SimHttpRequest::CountHeader(std::string_view name) const {
  size_t n = 0;
  for (const auto& [key, value] : headers) {
    n += absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()));
  }
  return n;
}

const std::string* SimHttpResponse::FindHeader(std::string_view name) const {
  return FindIn(headers, name);
}

}  // namespace hss::sim
