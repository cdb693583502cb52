#include "server/api/call_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/runtime/log.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

void AppendField(std::string& out, absl::string_view key, absl::string_view value) {
  absl::StrAppend(&out, ",\"", key, "\":");
  AppendJsonString(out, value);
}

}  // namespace

std::string FormatCallRecord(const CallRecord& r, absl::Time now) {
  std::string out = absl::StrCat("{\"ts\":\"", LogTimestamp(now), "\",\"level\":\"info\"");
  AppendField(out, "msg", "call");
  AppendField(out, "method", r.method);
  AppendField(out, "host_id", r.host_id);
  AppendField(out, "code", absl::StatusCodeToString(r.status.code()));
  if (!r.status.ok()) {
    if (auto info = GetErrorInfo(r.status)) AppendField(out, "reason", info->reason());
  }
  absl::StrAppend(&out, ",\"http_status\":", r.http_status);
  absl::StrAppendFormat(&out, ",\"latency_ms\":%.3f", absl::ToDoubleMilliseconds(r.latency));
  if (!r.request_id.empty()) AppendField(out, "request_id", r.request_id);
  absl::StrAppend(&out, ",\"pages\":", r.pages, ",\"ports\":", r.ports);
  if (!r.status.ok()) AppendField(out, "error", r.status.message());
  out.push_back('}');
  return out;
}

}  // namespace hss::gateway
