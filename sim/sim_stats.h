#ifndef HSS_SIM_SIM_STATS_H_
#define HSS_SIM_SIM_STATS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace hss::sim {

// Lock-free counters of answered API requests (control endpoints excluded).
class SimStats {
 public:
  // Counts one API request answered with `status` (0 = connection dropped/reset), and whether
  // a fault rule affected it.
  void Record(int status, bool faulted);

  // Sets every counter to zero.
  void Reset();

  // Total API requests counted.
  uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }

  // Requests answered with `status` (0..599).
  uint64_t by_status(int status) const;

  // {"requests":N,"by_status":{"200":N,...},"faults_applied":N,"dropped":N}; only non-zero
  // statuses are listed.
  std::string ToJson() const;

 private:
  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> faults_applied_{0};
  std::array<std::atomic<uint64_t>, 600> by_status_{};
};

}  // namespace hss::sim

#endif  // HSS_SIM_SIM_STATS_H_
