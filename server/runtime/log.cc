#include "server/runtime/log.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/runtime/log_sink.h"

namespace hss::gateway {
namespace {

// Writes `chunk` to stderr, retrying on interruptions and short writes; gives
// up (the chunk is lost) when stderr fails.
void WriteToStderr(absl::string_view chunk) {
  const char* data = chunk.data();
  size_t left = chunk.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd = {.fd = STDERR_FILENO, .events = POLLOUT, .revents = 0};
      if (::poll(&pfd, 1, -1) < 0 && errno != EINTR) return;
      continue;
    }
    if (n <= 0) return;
    data += n;
    left -= static_cast<size_t>(n);
  }
}

// The process log, started by its first line and never destroyed: a thread
// may log until the process ends.
LogSink& ProcessLog() {
  static LogSink* const sink = [] {
    LogSinkOptions options;
    options.max_lines = kLogQueueMaxLines;
    options.max_bytes = kLogQueueMaxBytes;
    options.drop_notice = [](uint64_t dropped) {
      return FormatLogEvent("warning", absl::StrCat("log: dropped ", dropped, " lines"),
                            absl::Now());
    };
    return new LogSink(WriteToStderr, std::move(options));
  }();
  return *sink;
}

}  // namespace

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

std::string FormatLogEvent(absl::string_view level, absl::string_view message, absl::Time now) {
  std::string out = absl::StrCat("{\"ts\":\"", LogTimestamp(now), "\",\"level\":");
  AppendJsonString(out, level);
  out += ",\"msg\":";
  AppendJsonString(out, message);
  out.push_back('}');
  return out;
}

void WriteLogLine(absl::string_view line) { ProcessLog().Write(line); }

void LogEvent(absl::string_view level, absl::string_view message) {
  WriteLogLine(FormatLogEvent(level, message, absl::Now()));
}

bool FlushLog(absl::Duration timeout) { return ProcessLog().Flush(timeout); }

uint64_t DroppedLogLines() { return ProcessLog().dropped(); }

}  // namespace hss::gateway
