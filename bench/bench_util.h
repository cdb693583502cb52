#ifndef HSS_BENCH_BENCH_UTIL_H_
#define HSS_BENCH_BENCH_UTIL_H_

#include <sys/types.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hss::bench {

// Latencies of completed requests and the count of failures, safe to add to
// from any thread.
class LatencyRecorder {
 public:
  void Add(absl::Duration latency, bool ok) {
    absl::MutexLock lock(&mu_);
    if (ok) {
      micros_.push_back(absl::ToDoubleMicroseconds(latency));
    } else {
      ++failures_;
    }
  }

  // Percentile `p` (0-100) of the successful latencies, in microseconds.
  double PercentileMicros(double p) {
    absl::MutexLock lock(&mu_);
    if (micros_.empty()) return 0;
    std::sort(micros_.begin(), micros_.end());
    size_t index = static_cast<size_t>(p / 100.0 * static_cast<double>(micros_.size() - 1));
    return micros_[index];
  }

  size_t successes() {
    absl::MutexLock lock(&mu_);
    return micros_.size();
  }

  size_t failures() {
    absl::MutexLock lock(&mu_);
    return failures_;
  }

 private:
  absl::Mutex mu_;
  std::vector<double> micros_;
  size_t failures_ = 0;
};

// CPU time (user + system) a process has used so far.
absl::Duration ProcessCpuTime(pid_t pid);

// Peak resident set size (VmHWM) of a process, in KiB; 0 if unknown.
long PeakRssKib(pid_t pid);

// Current resident set size (VmRSS) of a process, in KiB; 0 if unknown.
long RssKib(pid_t pid);

}  // namespace hss::bench

#endif  // HSS_BENCH_BENCH_UTIL_H_
