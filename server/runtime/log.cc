#include "server/runtime/log.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/utf8.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "server/runtime/log_sink.h"

namespace hss::gateway {
namespace {

constexpr absl::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD
constexpr absl::string_view kEllipsis = "\xe2\x80\xa6";     // U+2026

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

std::string ToValidUtf8(absl::string_view value, size_t max_bytes, bool* truncated) {
  std::string out;
  out.reserve(std::min(value.size(), max_bytes) + kEllipsis.size());
  bool cut = false;
  while (!value.empty()) {
    const size_t valid = hss::DecodeUtf8(value, 0).length;
    const absl::string_view piece = valid > 0 ? value.substr(0, valid) : kReplacement;
    if (out.size() + piece.size() > max_bytes) {
      cut = true;
      break;
    }
    out.append(piece.data(), piece.size());
    value.remove_prefix(valid > 0 ? valid : hss::InvalidUtf8Length(value, 0));
  }
  if (cut) out.append(kEllipsis.data(), kEllipsis.size());
  if (truncated != nullptr) *truncated = cut;
  return out;
}

std::string LogTimestamp(absl::Time now) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone());
}

struct JsonLogLine::Impl {
  rapidjson::StringBuffer buffer;
  // Validation is a second line of defence: ToValidUtf8 already made every
  // string valid.
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                    rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>
      writer{buffer};

  void Key(absl::string_view key) {
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  }
};

JsonLogLine::JsonLogLine(absl::Time now, absl::string_view level, absl::string_view message,
                         size_t max_message_bytes)
    : impl_(std::make_unique<Impl>()) {
  impl_->writer.StartObject();
  AddString("ts", LogTimestamp(now), 64);
  AddString("level", level, 64);
  AddString("msg", message, max_message_bytes);
}

JsonLogLine::~JsonLogLine() = default;

void JsonLogLine::AddString(absl::string_view key, absl::string_view value, size_t max_bytes) {
  bool truncated = false;
  const std::string valid = ToValidUtf8(value, max_bytes, &truncated);
  impl_->Key(key);
  impl_->writer.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
  if (truncated) {
    impl_->Key(absl::StrCat(key, "_truncated"));
    impl_->writer.Bool(true);
  }
}

void JsonLogLine::AddInt(absl::string_view key, long long value) {
  impl_->Key(key);
  impl_->writer.Int64(value);
}

void JsonLogLine::AddFixed(absl::string_view key, double value, int decimals) {
  const std::string number = absl::StrFormat("%.*f", decimals, value);
  impl_->Key(key);
  impl_->writer.RawValue(number.data(), number.size(), rapidjson::kNumberType);
}

std::string JsonLogLine::Finish() && {
  impl_->writer.EndObject();
  return std::string(impl_->buffer.GetString(), impl_->buffer.GetSize());
}

std::string FormatLogEvent(absl::string_view level, absl::string_view message, absl::Time now) {
  return JsonLogLine(now, level, message).Finish();
}

void WriteLogLine(absl::string_view line) { ProcessLog().Write(line); }

void LogEvent(absl::string_view level, absl::string_view message) {
  WriteLogLine(FormatLogEvent(level, message, absl::Now()));
}

bool FlushLog(absl::Duration timeout) { return ProcessLog().Flush(timeout); }

uint64_t DroppedLogLines() { return ProcessLog().dropped(); }

}  // namespace hss::gateway
