#ifndef HSS_SERVER_RUNTIME_LOG_H_
#define HSS_SERVER_RUNTIME_LOG_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hss::gateway {

// Appends `value` to `out` as a JSON string literal, escaping quotes,
// backslashes and control characters.
void AppendJsonString(std::string& out, absl::string_view value);

// Formats `now` as the log's timestamp, e.g. "2026-12-02T15:51:18.123Z".
std::string LogTimestamp(absl::Time now);

// Writes one line to stderr atomically (a single write call).
void WriteLogLine(absl::string_view line);

// Writes a start-up or shutdown event as a JSON line: {"ts":…,"level":…,"msg":…}.
void LogEvent(absl::string_view level, absl::string_view message);

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_LOG_H_
