#include "server/runtime/log_sink.h"

#include <pthread.h>
#include <signal.h>

#include <utility>

namespace hss::gateway {

LogSink::LogSink(LogWriter writer, LogSinkOptions options)
    : options_(std::move(options)), writer_(std::move(writer)) {
  // Signals are for the threads that wait for them, never for the log's: the
  // thread starts with every signal blocked.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  thread_ = std::thread([this] { Loop(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

LogSink::~LogSink() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

bool LogSink::Write(absl::string_view line) {
  absl::MutexLock lock(&mu_);
  if (queued_lines_ >= options_.max_lines || queue_.size() + line.size() + 1 > options_.max_bytes) {
    ++dropped_;
    ++unreported_drops_;
    return false;
  }
  queue_.append(line.data(), line.size());
  queue_.push_back('\n');
  ++queued_lines_;
  ++accepted_;
  return true;
}

bool LogSink::Flush(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  const uint64_t target = accepted_;
  auto written = [this, target]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return written_ >= target; };
  return mu_.AwaitWithTimeout(absl::Condition(&written), timeout);
}

uint64_t LogSink::dropped() const {
  absl::MutexLock lock(&mu_);
  return dropped_;
}

void LogSink::Loop() {
  std::string batch;
  for (;;) {
    uint64_t lines = 0;
    uint64_t drops = 0;
    {
      absl::MutexLock lock(&mu_);
      auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return queued_lines_ > 0 || unreported_drops_ > 0 || stopping_;
      };
      mu_.Await(absl::Condition(&has_work));
      if (queued_lines_ == 0 && unreported_drops_ == 0) return;  // Stopping, all written.
      // Take the whole queue; the queue goes on in the last batch's buffer.
      batch.clear();
      batch.swap(queue_);
      lines = std::exchange(queued_lines_, 0);
      drops = std::exchange(unreported_drops_, 0);
    }
    if (drops > 0) {
      batch += options_.drop_notice(drops);
      batch.push_back('\n');
    }
    writer_(batch);
    absl::MutexLock lock(&mu_);
    written_ += lines;
  }
}

}  // namespace hss::gateway
