#ifndef HSS_SIM_SIM_STATS_H_
#define HSS_SIM_SIM_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace hss::sim {

// Lock-free counters of answered HSS API requests and, separately, of IAM requests (control
// endpoints excluded).
class SimStats {
 public:
  // Counts a token request (POST /v3/auth/tokens) that starts being handled.
  void IamTokenStarted();
  // Counts the end of a token request answered with `status` (201 = token issued; 0 = dropped).
  void IamTokenFinished(int status);
  // Counts a project listing (GET /v3/projects) answered with `status`.
  void IamProjectsAnswered(int status);

  // Token requests received.
  uint64_t iam_token_requests() const { return iam_token_requests_.load(); }
  // Most token requests ever handled at the same time (since the last Reset).
  int64_t iam_token_max_in_flight() const { return iam_token_max_in_flight_.load(); }

  // Counts one API request answered with `status` (0 = connection dropped/reset), and whether
  // a fault rule affected it.
  void Record(int status, bool faulted);

  // Sets every counter to zero (the in-flight maximum to the requests now in flight).
  void Reset();

  // Total API requests counted.
  uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }

  // Requests answered with `status` (0..599).
  uint64_t by_status(int status) const;

  // {"requests":N,"by_status":{"200":N,...},"faults_applied":N,"dropped":N,
  //  "iam":{"token_requests":N,"tokens_issued":N,"token_failures":N,"token_in_flight":N,
  //         "token_max_in_flight":N,"project_requests":N,"project_failures":N}};
  // only non-zero statuses are listed; requests/by_status/dropped count HSS API requests only.
  std::string ToJson() const;

 private:
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> faults_applied_{0};
  std::array<std::atomic<uint64_t>, 600> by_status_{};
  std::atomic<uint64_t> iam_token_requests_{0};
  std::atomic<uint64_t> iam_tokens_issued_{0};
  std::atomic<uint64_t> iam_token_failures_{0};
  std::atomic<int64_t> iam_token_in_flight_{0};
  std::atomic<int64_t> iam_token_max_in_flight_{0};
  std::atomic<uint64_t> iam_project_requests_{0};
  std::atomic<uint64_t> iam_project_failures_{0};
};

}  // namespace hss::sim

#endif  // HSS_SIM_SIM_STATS_H_
