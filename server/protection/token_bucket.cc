#include "server/protection/token_bucket.h"

#include <algorithm>

namespace hss::gateway {

TokenBucket::TokenBucket(int per_minute, int burst)
    : burst_(std::max(burst, 1)), period_(absl::Minutes(1) * burst_ / std::max(per_minute, 1)) {}

void TokenBucket::Expire(absl::Time now) {
  while (!busy_until_.empty() && busy_until_.begin()->first <= now) {
    busy_until_.erase(busy_until_.begin());
  }
}

absl::Time TokenBucket::NextFree(absl::Time now) {
  Expire(now);
  if (static_cast<int>(busy_until_.size()) < burst_) return now;
  return busy_until_.begin()->first;
}

TokenBucket::Receipt TokenBucket::Take(absl::Time now, absl::Time start) {
  Expire(now);
  Receipt receipt;
  receipt.previous = absl::InfinitePast();
  if (static_cast<int>(busy_until_.size()) >= burst_) {
    // The lane that frees first is the one this call queues on.
    receipt.previous = busy_until_.begin()->first;
    busy_until_.erase(busy_until_.begin());
  }
  receipt.frees_at = std::max(start, receipt.previous) + period_;
  receipt.id = next_id_++;
  busy_until_.emplace(receipt.frees_at, receipt.id);
  return receipt;
}

void TokenBucket::GiveBack(const Receipt& receipt, absl::Time now) {
  // Gone when expired, or when a later reservation took the lane over.
  if (busy_until_.erase({receipt.frees_at, receipt.id}) == 0) return;
  if (receipt.previous > now) busy_until_.emplace(receipt.previous, next_id_++);
}

bool TokenBucket::Idle(absl::Time now) {
  Expire(now);
  return busy_until_.empty();
}

}  // namespace hss::gateway
