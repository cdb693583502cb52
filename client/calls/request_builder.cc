#include "client/calls/request_builder.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/port_enum_words.h"

namespace hss::client {
namespace {

using ::hss::ports::v1::Category;
using ::hss::ports::v1::ListPortsRequest;
using ::hss::ports::v1::PortStatus;
using ::hss::ports::v1::Protocol;
using ::hss::ports::v1::StreamPortsRequest;

constexpr int kMinPort = 1;
constexpr int kMaxPort = 65535;

absl::Status UnknownWord(absl::string_view flag, absl::string_view text, absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, ": unknown value \"", text, "\" (want ", want, ")"));
}

absl::Status CheckNotNegative(absl::string_view flag, int value) {
  if (value >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("--", flag, " must not be negative; got ", value));
}

// Sets the fields ListPortsRequest and StreamPortsRequest share.
template <typename Request>
absl::Status FillCommonFields(const CliOptions& options, Request& request) {
  if (options.host_id.empty()) {
    return absl::InvalidArgumentError("--host_id is required (the ID of the server)");
  }
  absl::StatusOr<Protocol> type = ParseProtocol(options.type);
  if (!type.ok()) return type.status();
  absl::StatusOr<PortStatus> status = ParsePortStatus(options.status);
  if (!status.ok()) return status.status();
  absl::StatusOr<Category> category = ParseCategory(options.category);
  if (!category.ok()) return category.status();
  if (options.port.has_value() && (*options.port < kMinPort || *options.port > kMaxPort)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--port must be ", kMinPort, "-", kMaxPort, "; got ", *options.port));
  }

  request.set_project_id(options.project_id);
  request.set_host_id(options.host_id);
  request.set_host_name(options.host_name);
  request.set_host_ip(options.host_ip);
  if (options.port.has_value()) request.set_port(*options.port);
  request.set_type(*type);
  request.set_status(*status);
  request.set_enterprise_project_id(options.enterprise_project_id);
  request.set_category(*category);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Protocol> ParseProtocol(absl::string_view text) {
  const std::string word = absl::AsciiStrToLower(text);
  if (word.empty()) return hss::ports::v1::PROTOCOL_UNSPECIFIED;
  if (std::optional<Protocol> protocol = hss::ProtocolFromWord(word)) return *protocol;
  return UnknownWord("type", text, "tcp or udp");
}

absl::StatusOr<PortStatus> ParsePortStatus(absl::string_view text) {
  const std::string word = absl::AsciiStrToLower(text);
  if (word.empty()) return hss::ports::v1::PORT_STATUS_UNSPECIFIED;
  if (std::optional<PortStatus> status = hss::PortStatusFromWord(word)) return *status;
  return UnknownWord("status", text, "normal, danger or unknown");
}

absl::StatusOr<Category> ParseCategory(absl::string_view text) {
  const std::string word = absl::AsciiStrToLower(text);
  if (word.empty()) return hss::ports::v1::CATEGORY_UNSPECIFIED;
  if (std::optional<Category> category = hss::CategoryFromWord(word)) return *category;
  return UnknownWord("category", text, "host or container");
}

absl::StatusOr<ListPortsRequest> BuildListPortsRequest(const CliOptions& options) {
  ListPortsRequest request;
  if (absl::Status s = FillCommonFields(options, request); !s.ok()) return s;
  if (absl::Status s = CheckNotNegative("limit", options.limit); !s.ok()) return s;
  if (absl::Status s = CheckNotNegative("offset", options.offset); !s.ok()) return s;
  request.set_limit(options.limit);
  request.set_offset(options.offset);
  return request;
}

absl::StatusOr<StreamPortsRequest> BuildStreamPortsRequest(const CliOptions& options) {
  StreamPortsRequest request;
  if (absl::Status s = FillCommonFields(options, request); !s.ok()) return s;
  if (absl::Status s = CheckNotNegative("page_size", options.page_size); !s.ok()) return s;
  if (absl::Status s = CheckNotNegative("start_offset", options.start_offset); !s.ok()) return s;
  request.set_page_size(options.page_size);
  request.set_start_offset(options.start_offset);
  return request;
}

absl::StatusOr<hss::ports::v1::WatchPortsRequest> BuildWatchPortsRequest(
    const CliOptions& options) {
  hss::ports::v1::WatchPortsRequest request;
  if (absl::Status s = FillCommonFields(options, request); !s.ok()) return s;
  if (absl::Status s = CheckNotNegative("interval", options.interval); !s.ok()) return s;
  request.set_interval_seconds(options.interval);
  return request;
}

}  // namespace hss::client
