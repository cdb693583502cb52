#ifndef HSS_SERVER_RUNTIME_LOG_SINK_H_
#define HSS_SERVER_RUNTIME_LOG_SINK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hss::gateway {

// Writes `chunk`, one or more whole lines each ending in '\n', to the log's
// output. Runs on the sink's writer thread only, one call at a time; it may
// block (a slow pipe) without delaying anyone who logs.
using LogWriter = absl::AnyInvocable<void(absl::string_view chunk)>;

// Bounds of a LogSink's queue and how it reports lines it dropped.
struct LogSinkOptions {
  // Lines queued and not yet handed to the writer, at most.
  size_t max_lines = 8192;
  // Bytes of those lines (newlines included), at most.
  size_t max_bytes = size_t{8} << 20;
  // The line (without '\n') written after lines were dropped, given how many
  // were dropped since the last such line.
  absl::AnyInvocable<std::string(uint64_t dropped)> drop_notice = [](uint64_t dropped) {
    return "log: dropped " + std::to_string(dropped) + " lines";
  };
};

// An asynchronous line log: Write() queues a line under a short lock and
// returns; one writer thread of the sink's own hands the queued lines to a
// LogWriter in batches. When the queue is full (LogSinkOptions), a new line is
// dropped and counted instead of waiting; once the writer has taken the queue,
// it writes the drop notice with the count after the lines it took.
// Thread-safe.
class LogSink {
 public:
  // Starts the writer thread, which calls `writer`.
  explicit LogSink(LogWriter writer, LogSinkOptions options = {});
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;
  // Writes every line still queued (and the drop notice, if due), then stops
  // the writer thread: waits for the writer as long as it takes.
  ~LogSink();

  // Queues `line` (a '\n' is appended), never waiting for the output. Returns
  // false, and counts the line as dropped, when the queue has no room for it.
  bool Write(absl::string_view line);

  // Waits until the writer has written every line queued before the call, or
  // until `timeout` passed; returns whether it has.
  bool Flush(absl::Duration timeout);

  // Lines dropped since the sink was made (reported or not yet).
  uint64_t dropped() const;

 private:
  void Loop();

  // drop_notice is called by the writer thread only.
  LogSinkOptions options_;
  LogWriter writer_;

  mutable absl::Mutex mu_;
  // The queued lines, each ending in '\n'.
  std::string queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_lines_ ABSL_GUARDED_BY(mu_) = 0;
  // Lines accepted, and lines the writer has written, since the start.
  uint64_t accepted_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;
  // Lines dropped since the start, and since the last drop notice.
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t unreported_drops_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_LOG_SINK_H_
