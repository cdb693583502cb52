#include "client/output/rpc_error_format.h"

#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/output/error_details.h"
#include "client/output/terminal_text.h"
#include "google/protobuf/duration.pb.h"

namespace hss::client {
namespace {

absl::Duration ToDuration(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace

std::string StatusCodeName(grpc::StatusCode code) {
  // gRPC and Abseil share the canonical code numbering.
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  if (name.empty()) name = absl::StrCat("CODE(", static_cast<int>(code), ")");
  return name;
}

std::string FormatRpcError(const grpc::Status& status) {
  std::string out = absl::StrCat("error: ", StatusCodeName(status.error_code()), ": ",
                                 EscapeForTerminal(status.error_message()), "\n");
  const ErrorDetails details = DecodeErrorDetails(status);
  if (details.malformed) out += "  (error details present but undecodable)\n";
  if (details.error_info) {
    const google::rpc::ErrorInfo& info = *details.error_info;
    if (!info.reason().empty()) {
      absl::StrAppend(&out, "  reason: ", EscapeForTerminal(info.reason()), "\n");
    }
    if (!info.domain().empty()) {
      absl::StrAppend(&out, "  domain: ", EscapeForTerminal(info.domain()), "\n");
    }
    const std::map<std::string, std::string> sorted(info.metadata().begin(), info.metadata().end());
    for (const auto& [key, value] : sorted) {
      absl::StrAppend(&out, "  metadata ", EscapeForTerminal(key), ": ", EscapeForTerminal(value),
                      "\n");
    }
  }
  if (details.request_info) {
    absl::StrAppend(&out, "  request_id: ", EscapeForTerminal(details.request_info->request_id()),
                    "\n");
  }
  if (details.retry_info) {
    absl::StrAppend(&out, "  retry after ",
                    absl::FormatDuration(ToDuration(details.retry_info->retry_delay())), "\n");
  }
  if (details.bad_request) {
    for (const auto& violation : details.bad_request->field_violations()) {
      absl::StrAppend(&out, "  ", EscapeForTerminal(violation.field()), ": ",
                      EscapeForTerminal(violation.description()), "\n");
    }
  }
  for (const std::string& type_url : details.other_type_urls) {
    absl::StrAppend(&out, "  detail: ", EscapeForTerminal(type_url), "\n");
  }
  return out;
}

}  // namespace hss::client
