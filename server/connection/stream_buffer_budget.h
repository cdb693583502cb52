#ifndef HSS_SERVER_CONNECTION_STREAM_BUFFER_BUDGET_H_
#define HSS_SERVER_CONNECTION_STREAM_BUFFER_BUDGET_H_

#include <atomic>
#include <cstdint>

namespace hss::gateway {

// The bytes of upstream pages that all StreamPorts walks together may hold
// fetched (or being fetched) but not yet taken by their consumers
// (--stream_buffer_budget). A walk asks before it fetches a page ahead of what
// its consumer needs; the page its consumer needs next is always fetched, so
// every walk progresses whatever the others hold, and the total stays within
// the limit plus one page per walk. Lock-free; thread-safe.
class StreamBufferBudget {
 public:
  // `limit_bytes` ≥ 0.
  explicit StreamBufferBudget(int64_t limit_bytes) : limit_(limit_bytes) {}
  StreamBufferBudget(const StreamBufferBudget&) = delete;
  StreamBufferBudget& operator=(const StreamBufferBudget&) = delete;

  // Takes `bytes` if the total stays within the limit; false (and nothing
  // taken) otherwise.
  bool TryAcquire(int64_t bytes);

  // Takes `bytes` whatever the total (the page a consumer waits for).
  void Acquire(int64_t bytes) { used_.fetch_add(bytes, std::memory_order_relaxed); }

  // Gives back `bytes` taken before.
  void Release(int64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

  // The bytes taken now.
  int64_t used() const { return used_.load(std::memory_order_relaxed); }

  // The limit.
  int64_t limit() const { return limit_; }

 private:
  const int64_t limit_;
  std::atomic<int64_t> used_{0};
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_CONNECTION_STREAM_BUFFER_BUDGET_H_
