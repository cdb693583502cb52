#include "server/api/request_validator.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::google::rpc::BadRequest;
using ::hss::ports::v1::ListPortsRequest;
using ::hss::ports::v1::StreamPortsRequest;

using Violations = std::vector<BadRequest::FieldViolation>;

constexpr std::size_t kMaxProjectIdChars = 64;
constexpr std::size_t kMaxHostIdChars = 128;
constexpr std::size_t kMaxHostNameChars = 128;
constexpr std::size_t kMaxHostIpChars = 128;
constexpr std::size_t kMaxEnterpriseProjectIdChars = 256;
constexpr int kMinPageSize = 10;
constexpr int kMaxPageSize = 200;
constexpr int kMaxOffset = 2'000'000;
constexpr int kMaxWatchIntervalSeconds = 86'400;
// At most this many bytes of an offending value are quoted in a description.
constexpr std::size_t kMaxQuotedBytes = 64;

bool IsControl(std::uint32_t c) { return c < 0x20 || c == 0x7F; }

// Code points quoted as \uXXXX: C1 controls, line/paragraph separators and
// bidirectional formatting characters, which could disguise a log line.
bool IsInvisibleFormat(std::uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || (c >= 0x200E && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Returns `value` as a double-quoted string safe for a message: at most
// kMaxQuotedBytes of it (followed by "..." when cut), with quotes, backslashes,
// control characters and invalid UTF-8 escaped.
std::string Quote(absl::string_view value) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < value.size()) {
    if (i >= kMaxQuotedBytes) break;
    const hss::Utf8Char cp = hss::DecodeUtf8(value, i);
    if (cp.length == 0) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<unsigned char>(value[i]));
      ++i;
      continue;
    }
    switch (cp.code_point) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (IsControl(cp.code_point)) {
          absl::StrAppendFormat(&out, "\\x%02X", cp.code_point);
        } else if (IsInvisibleFormat(cp.code_point)) {
          absl::StrAppendFormat(&out, "\\u%04X", cp.code_point);
        } else {
          out.append(value.data() + i, cp.length);
        }
    }
    i += cp.length;
  }
  out += '"';
  if (i < value.size()) out += "...";
  return out;
}

// Checks that `value` is valid UTF-8 without control characters and at most
// `max_chars` code points. Returns an empty string if so, else the problem.
std::string CheckText(absl::string_view value, std::size_t min_chars, std::size_t max_chars) {
  std::size_t chars = 0;
  bool has_control = false;
  for (std::size_t i = 0; i < value.size();) {
    const hss::Utf8Char cp = hss::DecodeUtf8(value, i);
    if (cp.length == 0) return absl::StrCat("must be valid UTF-8, got ", Quote(value));
    has_control = has_control || IsControl(cp.code_point);
    ++chars;
    i += cp.length;
  }
  if (has_control) {
    return absl::StrCat("must not contain control characters (such as CR, LF or NUL), got ",
                        Quote(value));
  }
  if (chars < min_chars || chars > max_chars) {
    return min_chars == 0
               ? absl::StrCat("must be at most ", max_chars, " characters, got ", chars)
               : absl::StrCat("must be ", min_chars, "-", max_chars, " characters, got ", chars);
  }
  return "";
}

void Add(Violations& out, absl::string_view field, std::string description) {
  auto& v = out.emplace_back();
  v.set_field(std::string(field));
  v.set_description(std::move(description));
}

// Checks an optional string field: empty, or valid text of at most `max_chars`.
void CheckOptionalText(Violations& out, absl::string_view field, absl::string_view value,
                       std::size_t max_chars) {
  if (std::string problem = CheckText(value, 0, max_chars); !problem.empty()) {
    Add(out, field, std::move(problem));
  }
}

// Returns the problem with `project_id` as a URL path segment, or "".
std::string CheckProjectId(absl::string_view project_id) {
  if (std::string problem = CheckText(project_id, 1, kMaxProjectIdChars); !problem.empty()) {
    return problem;
  }
  if (project_id.find_first_of("/\\?#%") != absl::string_view::npos) {
    return absl::StrCat("must be a single path segment without '/', '\\', '?', '#' or '%', got ",
                        Quote(project_id));
  }
  if (project_id == "." || project_id == "..") return "must not be \".\" or \"..\"";
  return "";
}

// Checks that `value` is a number of `descriptor`; unknown numbers can reach
// the server from a newer client or a hand-built message.
void CheckEnum(Violations& out, absl::string_view field,
               const google::protobuf::EnumDescriptor* descriptor, int value) {
  if (descriptor->FindValueByNumber(value) != nullptr) return;
  std::vector<std::string> names;
  for (int i = 0; i < descriptor->value_count(); ++i) names.push_back(descriptor->value(i)->name());
  Add(out, field, absl::StrCat("must be one of ", absl::StrJoin(names, ", "), ", got ", value));
}

void CheckPageSize(Violations& out, absl::string_view field, int value) {
  if (value == 0 || (value >= kMinPageSize && value <= kMaxPageSize)) return;
  Add(out, field, absl::StrCat("must be 0 or ", kMinPageSize, "-", kMaxPageSize, ", got ", value));
}

void CheckOffset(Violations& out, absl::string_view field, int value) {
  if (value >= 0 && value <= kMaxOffset) return;
  Add(out, field, absl::StrCat("must be 0-", kMaxOffset, ", got ", value));
}

// The checks ListPortsRequest and StreamPortsRequest share: both messages have
// the same field names and types for the server filters.
template <typename Request>
void CheckCommonFields(const Request& r, absl::string_view default_project_id, Violations& out) {
  const bool from_default = r.project_id().empty();
  const absl::string_view project_id =
      from_default ? default_project_id : absl::string_view(r.project_id());
  if (project_id.empty()) {
    Add(out, "project_id",
        "required: set project_id in the request or start the gateway with --project_id");
  } else if (std::string problem = CheckProjectId(project_id); !problem.empty()) {
    if (from_default) absl::StrAppend(&problem, " (the gateway's --project_id)");
    Add(out, "project_id", std::move(problem));
  }

  if (r.host_id().empty()) {
    Add(out, "host_id", absl::StrCat("required (1-", kMaxHostIdChars, " characters)"));
  } else if (std::string problem = CheckText(r.host_id(), 1, kMaxHostIdChars); !problem.empty()) {
    Add(out, "host_id", std::move(problem));
  }
  CheckOptionalText(out, "host_name", r.host_name(), kMaxHostNameChars);
  CheckOptionalText(out, "host_ip", r.host_ip(), kMaxHostIpChars);
  if (r.has_port() && (r.port() < 1 || r.port() > 65535)) {
    Add(out, "port", absl::StrCat("must be 1-65535 when set, got ", r.port()));
  }
  CheckEnum(out, "type", hss::ports::v1::Protocol_descriptor(), r.type());
  CheckEnum(out, "status", hss::ports::v1::PortStatus_descriptor(), r.status());
  CheckOptionalText(out, "enterprise_project_id", r.enterprise_project_id(),
                    kMaxEnterpriseProjectIdChars);
  CheckEnum(out, "category", hss::ports::v1::Category_descriptor(), r.category());
}

absl::Status ToStatus(absl::string_view rpc, const Violations& violations) {
  if (violations.empty()) return absl::OkStatus();
  std::string message = absl::StrCat("invalid ", rpc, " request: ");
  for (std::size_t i = 0; i < violations.size(); ++i) {
    absl::StrAppend(&message, i == 0 ? "" : "; ", violations[i].field(), ": ",
                    violations[i].description());
  }
  absl::Status status = MakeError(absl::StatusCode::kInvalidArgument, message, "INVALID_REQUEST");
  SetFieldViolations(status, violations);
  return status;
}

}  // namespace

absl::Status ValidateListPortsRequest(const ListPortsRequest& request,
                                      absl::string_view default_project_id) {
  Violations violations;
  CheckCommonFields(request, default_project_id, violations);
  CheckPageSize(violations, "limit", request.limit());
  CheckOffset(violations, "offset", request.offset());
  return ToStatus("ListPorts", violations);
}

absl::Status ValidateStreamPortsRequest(const StreamPortsRequest& request,
                                        absl::string_view default_project_id) {
  Violations violations;
  CheckCommonFields(request, default_project_id, violations);
  CheckPageSize(violations, "page_size", request.page_size());
  CheckOffset(violations, "start_offset", request.start_offset());
  return ToStatus("StreamPorts", violations);
}

absl::Status ValidateWatchPortsRequest(const hss::ports::v1::WatchPortsRequest& request,
                                       absl::string_view default_project_id) {
  Violations violations;
  CheckCommonFields(request, default_project_id, violations);
  if (request.interval_seconds() < 0 || request.interval_seconds() > kMaxWatchIntervalSeconds) {
    Add(violations, "interval_seconds",
        absl::StrCat("must be 0 (the gateway's default) or 1-", kMaxWatchIntervalSeconds,
                     " seconds, got ", request.interval_seconds()));
  }
  return ToStatus("WatchPorts", violations);
}

}  // namespace hss::gateway
