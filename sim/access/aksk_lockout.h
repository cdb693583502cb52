#ifndef HSS_SIM_ACCESS_AKSK_LOCKOUT_H_
#define HSS_SIM_ACCESS_AKSK_LOCKOUT_H_

// The API gateway's AK lock-out (docs/hss-api.md, APIG.0301): after more than `max_failures`
// consecutive failed AK/SK checks of an access key, every request with that key is refused for
// `lock_ms`, however well signed; a successful check resets the count. When a lock ends the
// count starts again from zero. Requests refused because of the lock are not counted as
// failures (they do not extend the lock).

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hss::sim {

// The lock-out setting.
struct AkLockoutConfig {
  // Consecutive failures tolerated; the next one locks the key.
  int64_t max_failures = 5;
  // How long a locked key stays locked, milliseconds; 0 disables the lock-out.
  int64_t lock_ms = 5 * 60 * 1000;

  // True if keys can be locked at all.
  bool enabled() const { return lock_ms > 0; }
};

// Consecutive-failure counters and locks per access key. At most kMaxKeys keys are tracked (keys
// neither locked nor failing are forgotten first; beyond that, new keys are not tracked).
// Times are monotonic milliseconds. Thread-safe.
class AkLockout {
 public:
  // Most keys tracked at once.
  static constexpr size_t kMaxKeys = 10000;

  // Starts with no failures and no locks.
  explicit AkLockout(AkLockoutConfig config);

  // The setting.
  const AkLockoutConfig& config() const { return config_; }

  // If `access_key` is locked at `now_ms`, counts a refused request and returns the
  // milliseconds left of the lock (> 0); otherwise returns 0.
  int64_t CheckLocked(const std::string& access_key, int64_t now_ms);

  // Counts a failed check of `access_key`; returns true if this failure locked the key.
  bool RecordFailure(const std::string& access_key, int64_t now_ms);

  // Counts a successful check of `access_key`: its consecutive failures start again from zero.
  void RecordSuccess(const std::string& access_key);

  // Unlocks every key and forgets all counts (not the totals).
  void Clear();

  // {"max_failures":5,"lock_ms":300000,"locks":N,"refused":N,
  //  "keys":{"<AK>":{"failures":N,"locked_for_ms":N}}}: locks = keys locked so far, refused =
  // requests refused because of a lock; keys lists the tracked keys (AKs are not secret).
  std::string ToJson(int64_t now_ms) const;

 private:
  struct KeyState {
    // Consecutive failures since the last success or lock.
    int64_t failures = 0;
    // When the lock ends; 0 = not locked.
    int64_t locked_until_ms = 0;
  };

  // Ends an expired lock of `state`.
  static void Expire(KeyState& state, int64_t now_ms);

  const AkLockoutConfig config_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, KeyState> keys_;
  int64_t locks_ = 0;
  int64_t refused_ = 0;
};

}  // namespace hss::sim

#endif  // HSS_SIM_ACCESS_AKSK_LOCKOUT_H_
