#ifndef HSS_SERVER_RUNTIME_LOG_H_
#define HSS_SERVER_RUNTIME_LOG_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// The process log: JSON lines on stderr, written by a thread of the log's own
// (see LogSink) so that nobody who logs waits for stderr.

namespace hss::gateway {

// The process log queues at most this many lines (and kLogQueueMaxBytes bytes)
// for stderr; when stderr does not keep up, lines beyond are dropped.
inline constexpr size_t kLogQueueMaxLines = 8192;
// See kLogQueueMaxLines.
inline constexpr size_t kLogQueueMaxBytes = size_t{8} << 20;

// Appends `value` to `out` as a JSON string literal, escaping quotes,
// backslashes and control characters.
void AppendJsonString(std::string& out, absl::string_view value);

// Formats `now` as the log's timestamp, e.g. "2026-12-02T15:51:18.123Z".
std::string LogTimestamp(absl::Time now);

// Formats a start-up or shutdown event: {"ts":…,"level":…,"msg":…}.
std::string FormatLogEvent(absl::string_view level, absl::string_view message, absl::Time now);

// Queues `line` (a newline is appended) for stderr and returns without waiting
// for it: the log's thread writes it whole. When kLogQueueMaxLines lines (or
// kLogQueueMaxBytes) are already waiting, the line is dropped and counted; the
// log then writes {"level":"warning","msg":"log: dropped N lines"} as soon as
// it has room again.
void WriteLogLine(absl::string_view line);

// Writes a start-up or shutdown event (FormatLogEvent) to the log.
void LogEvent(absl::string_view level, absl::string_view message);

// Waits until every line logged before the call is written to stderr, or until
// `timeout` passed; returns whether it was. For the end of main().
bool FlushLog(absl::Duration timeout);

// Lines the process log dropped since the start (for metrics).
uint64_t DroppedLogLines();

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_LOG_H_
