#include "sim/access/quota.h"

#include <algorithm>

namespace hss::sim {

QuotaLimiter::QuotaLimiter(QuotaConfig config) : config_(config) {}

void QuotaLimiter::Configure(QuotaConfig config) {
  std::lock_guard lock(mutex_);
  config_ = config;
  admitted_.clear();
}

QuotaConfig QuotaLimiter::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

QuotaDecision QuotaLimiter::Admit(const std::string& identity, int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (!config_.enabled()) return {};
  std::deque<int64_t>& times = admitted_[identity];
  while (!times.empty() && times.front() + config_.window_ms <= now_ms) times.pop_front();
  if (static_cast<int64_t>(times.size()) < config_.per_window) {
    times.push_back(now_ms);
    return {};
  }
  const int64_t wait_ms = times.front() + config_.window_ms - now_ms;
  return {false, std::max<int64_t>(1, (wait_ms + 999) / 1000)};
}

}  // namespace hss::sim
