#include "server/runtime/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace hss::gateway {
namespace {

TEST(WorkPoolTest, RunsEveryTaskOnceOnThePoolThreads) {
  constexpr int kTasks = 1000;
  std::atomic<int> runs{0};
  absl::Mutex mu;
  std::set<std::thread::id> threads;
  absl::BlockingCounter left(kTasks);
  WorkPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  for (int i = 0; i < kTasks; ++i) {
    pool.Run([&] {
      ++runs;
      {
        absl::MutexLock lock(&mu);
        threads.insert(std::this_thread::get_id());
      }
      left.DecrementCount();
    });
  }
  left.Wait();
  EXPECT_EQ(runs.load(), kTasks);
  absl::MutexLock lock(&mu);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(threads.size(), 3u);
}

TEST(WorkPoolTest, DestructionRunsTheTasksAlreadyQueued) {
  std::atomic<int> runs{0};
  // Declared before the pool so it outlives the task that waits on it.
  absl::Notification release;
  {
    WorkPool pool(1);
    pool.Run([&] { release.WaitForNotification(); });  // Holds the only thread.
    for (int i = 0; i < 10; ++i) pool.Run([&] { ++runs; });
    release.Notify();
  }
  EXPECT_EQ(runs.load(), 10);
}

TEST(WorkPoolTest, HasAtLeastOneThread) {
  WorkPool pool(0);
  EXPECT_EQ(pool.size(), 1);
  absl::Notification ran;
  pool.Run([&] { ran.Notify(); });
  EXPECT_TRUE(ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

}  // namespace
}  // namespace hss::gateway
