// Fuzzes request validation (server/api/request_validator.h) together with the
// upstream URL it leads to (server/rest/upstream_query.h).
//
// Input (FuzzedDataProvider): the ListPortsRequest fields (arbitrary bytes for
// the strings, any int32 for the numbers and enums) and a default project id.
// Invariants: no crash or sanitizer report; a rejected request is
// INVALID_ARGUMENT; for an accepted one the URL BuildUrl() makes parses back to
// exactly its fields: one '?', the path /base/v5/<project>/asset/ports with the
// project in one segment, and one `key=value` pair per set field, in the
// documented order, each decoding to the field's value; the URL holds nothing
// but unreserved characters, '%XX' escapes and the delimiters '/', '?', '&',
// '='. The AK/SK signer's URL parser (server/auth/aksk_credentials.h) reads the
// same path, query and project.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/uri_encoding.h"
#include "server/api/request_validator.h"
#include "server/auth/aksk_credentials.h"
#include "server/rest/upstream_query.h"

namespace {

using ::hss::ports::v1::ListPortsRequest;

void Check(bool condition) {
  if (!condition) std::abort();
}

std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// Decodes one `%XX`-escaped URL component; aborts on a malformed escape.
std::string Decode(absl::string_view component) {
  std::optional<std::string> decoded = hss::PercentDecode(Std(component));
  Check(decoded.has_value());
  return *std::move(decoded);
}

bool IsUrlByte(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '%' || c == '/' || c == '?' || c == '&' || c == '=';
}

// The query the request's fields call for, written out independently of
// ListPortsTarget().
std::vector<hss::QueryParam> ExpectedQuery(const ListPortsRequest& request) {
  std::vector<hss::QueryParam> want;
  want.emplace_back("host_id", request.host_id());
  if (!request.host_name().empty()) want.emplace_back("host_name", request.host_name());
  if (!request.host_ip().empty()) want.emplace_back("host_ip", request.host_ip());
  if (request.has_port()) want.emplace_back("port", std::to_string(request.port()));
  if (request.type() == hss::ports::v1::PROTOCOL_TCP) want.emplace_back("type", "TCP");
  if (request.type() == hss::ports::v1::PROTOCOL_UDP) want.emplace_back("type", "UDP");
  if (request.status() == hss::ports::v1::PORT_STATUS_NORMAL) want.emplace_back("status", "normal");
  if (request.status() == hss::ports::v1::PORT_STATUS_DANGER) want.emplace_back("status", "danger");
  if (request.status() == hss::ports::v1::PORT_STATUS_UNKNOWN) {
    want.emplace_back("status", "unknown");
  }
  if (!request.enterprise_project_id().empty()) {
    want.emplace_back("enterprise_project_id", request.enterprise_project_id());
  }
  if (request.category() == hss::ports::v1::CATEGORY_HOST) want.emplace_back("category", "host");
  if (request.category() == hss::ports::v1::CATEGORY_CONTAINER) {
    want.emplace_back("category", "container");
  }
  if (request.limit() > 0) want.emplace_back("limit", std::to_string(request.limit()));
  if (request.offset() > 0) want.emplace_back("offset", std::to_string(request.offset()));
  return want;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  ListPortsRequest request;
  request.set_project_id(input.ConsumeRandomLengthString(80));
  request.set_host_id(input.ConsumeRandomLengthString(140));
  request.set_host_name(input.ConsumeRandomLengthString(140));
  request.set_host_ip(input.ConsumeRandomLengthString(140));
  request.set_enterprise_project_id(input.ConsumeRandomLengthString(270));
  const std::string default_project = input.ConsumeRandomLengthString(80);
  if (input.ConsumeBool()) request.set_port(input.ConsumeIntegral<int32_t>());
  request.set_type(static_cast<hss::ports::v1::Protocol>(input.ConsumeIntegralInRange(-1, 3)));
  request.set_status(static_cast<hss::ports::v1::PortStatus>(input.ConsumeIntegralInRange(-1, 4)));
  request.set_category(static_cast<hss::ports::v1::Category>(input.ConsumeIntegralInRange(-1, 3)));
  request.set_limit(input.ConsumeBool() ? input.ConsumeIntegral<int32_t>()
                                        : input.ConsumeIntegralInRange(0, 210));
  request.set_offset(input.ConsumeBool() ? input.ConsumeIntegral<int32_t>()
                                         : input.ConsumeIntegralInRange(0, 2000010));

  const absl::Status valid = hss::gateway::ValidateListPortsRequest(request, default_project);
  if (!valid.ok()) {
    Check(valid.code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const std::string project = request.project_id().empty() ? default_project : request.project_id();
  const hss::gateway::UpstreamTarget target = hss::gateway::ListPortsTarget(project, request);
  const std::string url = hss::gateway::BuildUrl("http://127.0.0.1:8080/base/", target);

  constexpr absl::string_view kPrefix = "http://127.0.0.1:8080";
  Check(absl::StartsWith(url, kPrefix));
  const absl::string_view rest = absl::string_view(url).substr(kPrefix.size());
  for (const char c : rest) Check(IsUrlByte(c));
  const std::vector<absl::string_view> path_and_query = absl::StrSplit(rest, '?');
  Check(path_and_query.size() == 2);
  const std::vector<absl::string_view> segments = absl::StrSplit(path_and_query[0], '/');
  Check(segments.size() == 6);
  Check(segments[0].empty() && segments[1] == "base" && segments[2] == "v5" &&
        segments[4] == "asset" && segments[5] == "ports");
  Check(Decode(segments[3]) == project);

  std::vector<hss::QueryParam> got;
  for (const absl::string_view pair : absl::StrSplit(path_and_query[1], '&')) {
    const std::vector<absl::string_view> key_value = absl::StrSplit(pair, '=');
    Check(key_value.size() == 2);
    got.emplace_back(Decode(key_value[0]), Decode(key_value[1]));
  }
  Check(got == ExpectedQuery(request));
  Check(target.query == got);

  const absl::StatusOr<hss::gateway::SigningUrl> signing = hss::gateway::ParseSigningUrl(url);
  Check(signing.ok());
  Check(signing->host == "127.0.0.1:8080");
  Check(signing->path == "/base/v5/" + project + "/asset/ports");
  Check(signing->query == got);
  Check(signing->project_id == project);
  return 0;
}
