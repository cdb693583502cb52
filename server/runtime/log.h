#ifndef HSS_SERVER_RUNTIME_LOG_H_
#define HSS_SERVER_RUNTIME_LOG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// The process log: JSON lines on stderr, written by a thread of the log's own
// (see LogSink) so that nobody who logs waits for stderr.

namespace hss::gateway {

// LogEvent's message is cut to this many bytes (see ToValidUtf8).
inline constexpr size_t kLogMaxMessageBytes = 4096;

// The process log queues at most this many lines (and kLogQueueMaxBytes bytes)
// for stderr; when stderr does not keep up, lines beyond are dropped.
inline constexpr size_t kLogQueueMaxLines = 8192;
// See kLogQueueMaxLines.
inline constexpr size_t kLogQueueMaxBytes = size_t{8} << 20;

// Returns `value` as valid UTF-8: every invalid sequence (a stray continuation
// byte, a truncated sequence, an overlong form, a surrogate, a code point above
// U+10FFFF) becomes one U+FFFD. When the result would be longer than
// `max_bytes`, it is cut at a character boundary to at most `max_bytes` bytes
// and "…" (U+2026, 3 bytes) is appended. Sets `*truncated`, if given, to
// whether it was cut.
std::string ToValidUtf8(absl::string_view value, size_t max_bytes, bool* truncated = nullptr);

// Formats `now` as the log's timestamp, e.g. "2026-12-02T15:51:18.123Z".
std::string LogTimestamp(absl::Time now);

// Builds one JSON log line with RapidJSON's Writer, beginning
// {"ts":…,"level":…,"msg":…}. Every string value goes through ToValidUtf8 with
// the byte budget given, so the line is valid UTF-8 JSON of bounded length; a
// cut field "k" is followed by "k_truncated":true. Not thread-safe.
class JsonLogLine {
 public:
  // Starts the line; `message` is cut to `max_message_bytes`.
  JsonLogLine(absl::Time now, absl::string_view level, absl::string_view message,
              size_t max_message_bytes = kLogMaxMessageBytes);
  JsonLogLine(const JsonLogLine&) = delete;
  JsonLogLine& operator=(const JsonLogLine&) = delete;
  ~JsonLogLine();

  // Adds "key":"value", `value` cut to `max_bytes`. `key` must be ASCII.
  void AddString(absl::string_view key, absl::string_view value, size_t max_bytes);
  // Adds "key":value.
  void AddInt(absl::string_view key, long long value);
  // Adds "key":value with `decimals` digits after the point, e.g. 1.500;
  // `value` must be finite.
  void AddFixed(absl::string_view key, double value, int decimals);
  // Ends the object and returns the line (no trailing newline).
  std::string Finish() &&;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Formats a start-up or shutdown event: {"ts":…,"level":…,"msg":…}, the
// message cut to kLogMaxMessageBytes.
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
