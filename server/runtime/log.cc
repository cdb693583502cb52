#include "server/runtime/log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace hss::gateway {

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

std::string LogTimestamp(absl::Time now) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone());
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
  std::string out = absl::StrCat("{\"ts\":\"", LogTimestamp(absl::Now()), "\",\"level\":");
  AppendJsonString(out, level);
  out += ",\"msg\":";
  AppendJsonString(out, message);
  out.push_back('}');
  WriteLogLine(out);
}

}  // namespace hss::gateway
