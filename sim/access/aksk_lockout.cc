#include "sim/access/aksk_lockout.h"

#include <iterator>
#include <map>

#include "absl/strings/str_cat.h"
#include "sim/data/json_escape.h"

namespace hss::sim {

AkLockout::AkLockout(AkLockoutConfig config) : config_(config) {}

void AkLockout::Expire(KeyState& state, int64_t now_ms) {
  if (state.locked_until_ms != 0 && now_ms >= state.locked_until_ms) {
    state.locked_until_ms = 0;
    state.failures = 0;
  }
}

int64_t AkLockout::CheckLocked(const std::string& access_key, int64_t now_ms) {
  if (!config_.enabled()) return 0;
  std::lock_guard lock(mutex_);
  auto it = keys_.find(access_key);
  if (it == keys_.end()) return 0;
  Expire(it->second, now_ms);
  if (it->second.locked_until_ms == 0) return 0;
  ++refused_;
  return it->second.locked_until_ms - now_ms;
}

bool AkLockout::RecordFailure(const std::string& access_key, int64_t now_ms) {
  if (!config_.enabled()) return false;
  std::lock_guard lock(mutex_);
  auto it = keys_.find(access_key);
  if (it == keys_.end()) {
    if (keys_.size() >= kMaxKeys) {
      for (auto k = keys_.begin(); k != keys_.end();) {
        Expire(k->second, now_ms);
        k = k->second.locked_until_ms == 0 ? keys_.erase(k) : std::next(k);
      }
      if (keys_.size() >= kMaxKeys) return false;
    }
    it = keys_.emplace(access_key, KeyState{}).first;
  }
  KeyState& state = it->second;
  Expire(state, now_ms);
  if (state.locked_until_ms != 0) return false;
  if (++state.failures <= config_.max_failures) return false;
  state.locked_until_ms = now_ms + config_.lock_ms;
  ++locks_;
  return true;
}

void AkLockout::RecordSuccess(const std::string& access_key) {
  std::lock_guard lock(mutex_);
  keys_.erase(access_key);
}

void AkLockout::Clear() {
  std::lock_guard lock(mutex_);
  keys_.clear();
}

std::string AkLockout::ToJson(int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  std::string out =
      absl::StrCat("{\"max_failures\":", config_.max_failures, ",\"lock_ms\":", config_.lock_ms,
                   ",\"locks\":", locks_, ",\"refused\":", refused_, ",\"keys\":{");
  const std::map<std::string, KeyState> sorted(keys_.begin(), keys_.end());
  bool first = true;
  for (auto [key, state] : sorted) {
    Expire(state, now_ms);
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(key, out);
    absl::StrAppend(&out, ":{\"failures\":", state.failures, ",\"locked_for_ms\":",
                    state.locked_until_ms == 0 ? 0 : state.locked_until_ms - now_ms, "}");
  }
  out += "}}";
  return out;
}

}  // namespace hss::sim
