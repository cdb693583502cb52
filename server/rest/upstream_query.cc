#include "server/rest/upstream_query.h"

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/port_enum_words.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::Category;
using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::PortStatus;
using hss::ports::v1::Protocol;

std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// Encodes one path segment. "." and ".." are spelled with %2E so that no URL
// normalizer can treat them as dot segments.
std::string EncodePathSegment(absl::string_view segment) {
  if (segment == ".") return "%2E";
  if (segment == "..") return "%2E%2E";
  return hss::PercentEncode(ToStd(segment));
}

}  // namespace

absl::string_view ProtocolToUpstream(Protocol protocol) { return hss::ProtocolWord(protocol); }

absl::string_view StatusToUpstream(PortStatus status) { return hss::PortStatusWord(status); }

absl::string_view CategoryToUpstream(Category category) { return hss::CategoryWord(category); }

UpstreamTarget ListPortsTarget(absl::string_view project_id, const ListPortsRequest& request) {
  UpstreamTarget target;
  target.path = absl::StrCat("/v5/", EncodePathSegment(project_id), "/asset/ports");

  auto& q = target.query;
  q.reserve(10);
  auto add = [&q](absl::string_view key, absl::string_view value) {
    q.emplace_back(std::string(key), std::string(value));
  };
  add("host_id", request.host_id());
  if (!request.host_name().empty()) add("host_name", request.host_name());
  if (!request.host_ip().empty()) add("host_ip", request.host_ip());
  if (request.has_port()) add("port", absl::StrCat(request.port()));
  if (auto type = ProtocolToUpstream(request.type()); !type.empty()) add("type", type);
  if (auto status = StatusToUpstream(request.status()); !status.empty()) add("status", status);
  if (!request.enterprise_project_id().empty()) {
    add("enterprise_project_id", request.enterprise_project_id());
  }
  if (auto category = CategoryToUpstream(request.category()); !category.empty()) {
    add("category", category);
  }
  if (request.limit() > 0) add("limit", absl::StrCat(request.limit()));
  if (request.offset() > 0) add("offset", absl::StrCat(request.offset()));
  return target;
}

std::string BuildUrl(absl::string_view endpoint, const UpstreamTarget& target) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.remove_suffix(1);
  std::string url = absl::StrCat(endpoint, target.path);
  if (!target.query.empty()) absl::StrAppend(&url, "?", hss::EncodeQuery(target.query));
  return url;
}

}  // namespace hss::gateway
