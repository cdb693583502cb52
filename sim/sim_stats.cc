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

void SimStats::IamTokenStarted() {
  iam_token_requests_.fetch_add(1);
  const int64_t now = iam_token_in_flight_.fetch_add(1) + 1;
  int64_t max = iam_token_max_in_flight_.load();
  while (now > max && !iam_token_max_in_flight_.compare_exchange_weak(max, now)) {
  }
}

void SimStats::IamTokenFinished(int status) {
  (status == 201 ? iam_tokens_issued_ : iam_token_failures_).fetch_add(1);
  iam_token_in_flight_.fetch_sub(1);
}

void SimStats::IamProjectsAnswered(int status) {
  iam_project_requests_.fetch_add(1);
  if (status != 200) iam_project_failures_.fetch_add(1);
}

void SimStats::Reset() {
  requests_ = 0;
  faults_applied_ = 0;
  for (auto& count : by_status_) count = 0;
  iam_token_requests_ = 0;
  iam_tokens_issued_ = 0;
  iam_token_failures_ = 0;
  iam_token_max_in_flight_ = iam_token_in_flight_.load();
  iam_project_requests_ = 0;
  iam_project_failures_ = 0;
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
                  ",\"dropped\":", by_status(0));
  absl::StrAppend(&out, ",\"iam\":{\"token_requests\":", iam_token_requests_.load(),
                  ",\"tokens_issued\":", iam_tokens_issued_.load(),
                  ",\"token_failures\":", iam_token_failures_.load(),
                  ",\"token_in_flight\":", iam_token_in_flight_.load(),
                  ",\"token_max_in_flight\":", iam_token_max_in_flight_.load(),
                  ",\"project_requests\":", iam_project_requests_.load(),
                  ",\"project_failures\":", iam_project_failures_.load(), "}}");
  return out;
}

}  // namespace hss::sim
