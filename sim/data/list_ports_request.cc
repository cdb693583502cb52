#include "sim/data/list_ports_request.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sim/data/absl_view.h"

namespace hss::sim {
namespace {

const std::string* Find(const std::vector<QueryParam>& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Number of UTF-8 characters (bytes that are not continuation bytes).
size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t value = 0;
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  if (s.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

absl::Status Invalid(std::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("Invalid parameter: ", AbslView(message)));
}

absl::Status CheckLength(const std::vector<QueryParam>& query, std::string_view name,
                         size_t max_chars, std::string& out) {
  const std::string* value = Find(query, name);
  if (value == nullptr) return absl::OkStatus();
  if (CharCount(*value) > max_chars) {
    return Invalid(absl::StrCat(AbslView(name), " must be at most ", max_chars, " characters"));
  }
  out = *value;
  return absl::OkStatus();
}

absl::Status ParseRange(const std::vector<QueryParam>& query, std::string_view name, int64_t min,
                        int64_t max, std::optional<int64_t>& out) {
  const std::string* value = Find(query, name);
  if (value == nullptr) return absl::OkStatus();
  const std::optional<int64_t> parsed = ParseInt(*value);
  if (!parsed || *parsed < min || *parsed > max) {
    return Invalid(absl::StrCat(AbslView(name), " must be an integer in [", min, ", ", max, "]"));
  }
  out = parsed;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ListPortsRequest> ParseListPortsRequest(const std::vector<QueryParam>& query,
                                                       const ListPortsLimits& limits) {
  ListPortsRequest request;
  const std::string* host_id = Find(query, "host_id");
  if (host_id == nullptr || host_id->empty()) return Invalid("host_id is required");
  if (CharCount(*host_id) > 128) return Invalid("host_id must be 1 to 128 characters");
  request.host_id = *host_id;
  if (absl::Status s = CheckLength(query, "host_name", 128, request.host_name); !s.ok()) return s;
  if (absl::Status s = CheckLength(query, "host_ip", 128, request.host_ip); !s.ok()) return s;
  if (absl::Status s =
          CheckLength(query, "enterprise_project_id", 256, request.enterprise_project_id);
      !s.ok()) {
    return s;
  }

  std::optional<int64_t> port, limit, offset;
  if (absl::Status s = ParseRange(query, "port", 1, 65535, port); !s.ok()) return s;
  if (absl::Status s = ParseRange(query, "limit", limits.min_limit, limits.max_limit, limit);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseRange(query, "offset", 0, limits.max_offset, offset); !s.ok()) {
    return s;
  }
  if (port) request.filter.port = static_cast<int>(*port);
  if (limit) request.limit = *limit;
  if (offset) request.offset = *offset;

  if (const std::string* type = Find(query, "type")) {
    if (*type != "TCP" && *type != "UDP") return Invalid("type must be TCP or UDP");
    request.filter.type = *type;
  }
  if (const std::string* status = Find(query, "status")) {
    if (*status != "normal" && *status != "danger" && *status != "unknown" && *status != "unknow") {
      return Invalid("status must be normal, danger or unknown");
    }
    request.filter.status = *status;
  }
  if (const std::string* category = Find(query, "category")) {
    const std::optional<Category> parsed = ParseCategory(*category);
    if (!parsed) return Invalid("category must be host or container");
    request.category = *parsed;
  }
  return request;
}

}  // namespace hss::sim
