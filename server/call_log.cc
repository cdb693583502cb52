#include "server/call_log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/status_details.h"

namespace hss::gateway {
namespace {

// Appends `value` as a JSON string literal, escaping quotes, backslashes and
// control characters (bytes ≥ 0x80 pass through).
void AppendJsonString(std::string& out, absl::string_view value) {
  out.push_back('"');
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20 || c == 0x7f) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

void AppendField(std::string& out, absl::string_view key, absl::string_view value) {
  absl::StrAppend(&out, ",\"", key, "\":");
  AppendJsonString(out, value);
}

std::string Timestamp(absl::Time now) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone());
}

}  // namespace

std::string FormatCallRecord(const CallRecord& r, absl::Time now) {
  std::string out = absl::StrCat("{\"ts\":\"", Timestamp(now), "\",\"level\":\"info\"");
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

void WriteLogLine(absl::string_view line) {
  std::string buffer = absl::StrCat(line, "\n");
  const char* data = buffer.data();
  size_t left = buffer.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n <= 0) return;
    data += n;
    left -= static_cast<size_t>(n);
  }
}

void LogEvent(absl::string_view level, absl::string_view message) {
  std::string out = absl::StrCat("{\"ts\":\"", Timestamp(absl::Now()), "\"");
  AppendField(out, "level", level);
  AppendField(out, "msg", message);
  out.push_back('}');
  WriteLogLine(out);
}

}  // namespace hss::gateway
