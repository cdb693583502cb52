#include "sim/sim_stats.h"

#include "absl/strings/str_cat.h"

namespace hss::sim {

void SimStats::Record(int status, bool faulted) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  if (faulted) faults_applied_.fetch_add(1, std::memory_order_relaxed);
  if (status >= 0 && status < static_cast<int>(by_status_.size())) {
    by_status_[status].fetch_add(1, std::memory_order_relaxed);
  }
}

void SimStats::Reset() {
  requests_ = 0;
  faults_applied_ = 0;
  for (auto& count : by_status_) count = 0;
}

uint64_t SimStats::by_status(int status) const {
  if (status < 0 || status >= static_cast<int>(by_status_.size())) return 0;
  return by_status_[status].load(std::memory_order_relaxed);
}

std::string SimStats::ToJson() const {
  std::string out = absl::StrCat("{\"requests\":", requests(), ",\"by_status\":{");
  bool first = true;
  for (size_t status = 0; status < by_status_.size(); ++status) {
    const uint64_t n = by_status_[status].load(std::memory_order_relaxed);
    if (n == 0) continue;
    absl::StrAppend(&out, first ? "" : ",", "\"", status, "\":", n);
    first = false;
  }
  absl::StrAppend(&out, "},\"faults_applied\":", faults_applied_.load(),
                  ",\"dropped\":", by_status(0), "}");
  return out;
}

}  // namespace hss::sim
