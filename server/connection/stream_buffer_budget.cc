#include "server/connection/stream_buffer_budget.h"

namespace hss::gateway {

bool StreamBufferBudget::TryAcquire(int64_t bytes) {
  int64_t used = used_.load(std::memory_order_relaxed);
  do {
    if (used + bytes > limit_) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

}  // namespace hss::gateway
