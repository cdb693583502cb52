#ifndef HSS_SERVER_PROTECTION_TOKEN_BUCKET_H_
#define HSS_SERVER_PROTECTION_TOKEN_BUCKET_H_

#include <cstdint>
#include <set>
#include <utility>

#include "absl/time/time.h"

namespace hss::gateway {

// A token bucket of `burst` tokens for `per_minute` calls per minute whose
// tokens come back a fixed `period` (= burst / per_minute minutes) after the
// call that took them started, instead of trickling back continuously.
//
// Why: HSS counts calls in a sliding minute ("at most 5 calls per minute"). A
// classic bucket with 5 tokens refilled at 5 per minute admits 9 calls within
// 60 s (5 at once, then one every 12 s), and HSS answers the 6th with 429.
// Here no window of `period` ever holds more than `burst` call starts, so with
// burst == per_minute the upstream's sliding-minute limit is never exceeded;
// a smaller burst spreads the calls out (burst 1: one call every
// 60s/per_minute).
//
// Each token is a lane: the set holds the time each busy lane frees up.
// Reservations may be for a future start (the caller waits). Not thread-safe:
// the RateLimiter locks around it.
class TokenBucket {
 public:
  // What Take() reserved, for GiveBack().
  struct Receipt {
    // When the reserved lane frees up again (start + period).
    absl::Time frees_at;
    // Tells this reservation from others freeing at the same time.
    std::uint64_t id = 0;
    // When the lane freed up before this reservation took it (InfinitePast()
    // if it was free).
    absl::Time previous;
  };

  // `per_minute` > 0; `burst` > 0.
  TokenBucket(int per_minute, int burst);

  // The earliest time at or after `now` a call may start.
  absl::Time NextFree(absl::Time now);

  // Reserves a token for a call starting at `start` (>= NextFree(now)).
  Receipt Take(absl::Time now, absl::Time start);

  // Returns the token of a call that will not start after all (cancelled
  // while waiting), so the next call may use it. Does nothing if a later
  // reservation already queued behind it (that one keeps its start time).
  void GiveBack(const Receipt& receipt, absl::Time now);

  // True when every token is back: the bucket is as good as a new one.
  bool Idle(absl::Time now);

  // How long a token stays out after its call started.
  absl::Duration period() const { return period_; }

  // Tokens of the bucket.
  int burst() const { return burst_; }

 private:
  // Drops lanes that have freed up by `now`.
  void Expire(absl::Time now);

  const int burst_;
  const absl::Duration period_;
  // When each busy lane frees up, with the reservation's id; at most burst_
  // entries.
  std::set<std::pair<absl::Time, std::uint64_t>> busy_until_;
  std::uint64_t next_id_ = 1;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_TOKEN_BUCKET_H_
