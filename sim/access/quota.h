#ifndef HSS_SIM_ACCESS_QUOTA_H_
#define HSS_SIM_ACCESS_QUOTA_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hss::sim {

// The flow-control setting: at most `per_window` admitted requests per caller identity in any
// sliding window of `window_ms` milliseconds. per_window <= 0 or window_ms <= 0 disables it.
struct QuotaConfig {
  // Requests admitted per window (0 = off).
  int64_t per_window = 0;
  // Window length in milliseconds (0 = off).
  int64_t window_ms = 0;

  // True if the quota limits anything.
  bool enabled() const { return per_window > 0 && window_ms > 0; }
};

// The verdict on one request.
struct QuotaDecision {
  // True if the request is admitted (and counted).
  bool allowed = true;
  // When refused: whole seconds until the oldest counted request leaves the window (>= 1).
  int64_t retry_after_s = 0;
};

// A sliding-window-log rate limiter keyed by caller identity (see auth.h for identities).
// Refused requests are not counted. Thread-safe.
class QuotaLimiter {
 public:
  // Starts with `config` and no history.
  explicit QuotaLimiter(QuotaConfig config = {});

  // Replaces the setting and forgets all history.
  void Configure(QuotaConfig config);

  // The current setting.
  QuotaConfig config() const;

  // Decides on a request of `identity` arriving at `now_ms` (any monotonic milliseconds).
  QuotaDecision Admit(const std::string& identity, int64_t now_ms);

 private:
  mutable std::mutex mutex_;
  QuotaConfig config_;
  std::unordered_map<std::string, std::deque<int64_t>> admitted_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_ACCESS_QUOTA_H_
