#include "server/runtime/scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "absl/synchronization/notification.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using ::testing::ElementsAre;

TEST(FakeSchedulerTest, RunsDueTimersInTimeOrderWithTheirTimeAsNow) {
  FakeScheduler scheduler;
  const absl::Time t0 = scheduler.Now();
  std::vector<std::pair<int, absl::Time>> ran;
  scheduler.RunAt(t0 + absl::Seconds(2), [&] { ran.emplace_back(2, scheduler.Now()); });
  scheduler.RunAt(t0 + absl::Seconds(1), [&] { ran.emplace_back(1, scheduler.Now()); });
  scheduler.RunAt(t0 + absl::Seconds(1), [&] { ran.emplace_back(11, scheduler.Now()); });
  scheduler.RunAt(t0 + absl::Seconds(5), [&] { ran.emplace_back(5, scheduler.Now()); });
  scheduler.AdvanceBy(absl::Seconds(3));
  ASSERT_EQ(ran.size(), 3u);
  EXPECT_EQ(ran[0], std::make_pair(1, t0 + absl::Seconds(1)));
  EXPECT_EQ(ran[1], std::make_pair(11, t0 + absl::Seconds(1)));
  EXPECT_EQ(ran[2], std::make_pair(2, t0 + absl::Seconds(2)));
  EXPECT_EQ(scheduler.Now(), t0 + absl::Seconds(3));
  EXPECT_EQ(scheduler.pending_timers(), 1u);
  EXPECT_EQ(scheduler.next_timer(), t0 + absl::Seconds(5));
}

TEST(FakeSchedulerTest, NeverRunsInsideRunAtAndRunsPastTimersOnRunDue) {
  FakeScheduler scheduler;
  bool ran = false;
  scheduler.RunAt(scheduler.Now() - absl::Seconds(1), [&] { ran = true; });
  EXPECT_FALSE(ran);
  const absl::Time before = scheduler.Now();
  scheduler.RunDue();
  EXPECT_TRUE(ran);
  EXPECT_EQ(scheduler.Now(), before);
}

TEST(FakeSchedulerTest, TimersAddedByCallbacksRunInTheSameAdvance) {
  FakeScheduler scheduler;
  std::vector<int> ran;
  scheduler.RunAt(scheduler.Now() + absl::Seconds(1), [&] {
    ran.push_back(1);
    scheduler.RunAt(scheduler.Now() + absl::Seconds(1), [&] { ran.push_back(2); });
    scheduler.RunAt(scheduler.Now() + absl::Seconds(10), [&] { ran.push_back(3); });
  });
  scheduler.AdvanceBy(absl::Seconds(5));
  EXPECT_THAT(ran, ElementsAre(1, 2));
}

TEST(FakeSchedulerTest, CancelledTimersNeverRun) {
  FakeScheduler scheduler;
  bool ran = false;
  TimerId id = scheduler.RunAt(scheduler.Now() + absl::Seconds(1), [&] { ran = true; });
  scheduler.CancelTimer(id);
  scheduler.CancelTimer(id);    // Twice: ignored.
  scheduler.CancelTimer(9999);  // Unknown: ignored.
  scheduler.AdvanceBy(absl::Seconds(2));
  EXPECT_FALSE(ran);
  EXPECT_EQ(scheduler.pending_timers(), 0u);
}

TEST(ThreadSchedulerTest, RunsTimersInOrderOnItsThread) {
  ThreadScheduler scheduler;
  absl::Mutex mu;
  std::vector<int> ran;
  absl::Notification done;
  const absl::Time now = scheduler.Now();
  scheduler.RunAt(now + absl::Milliseconds(20), [&] {
    absl::MutexLock lock(&mu);
    ran.push_back(2);
    done.Notify();
  });
  scheduler.RunAt(now + absl::Milliseconds(5), [&] {
    absl::MutexLock lock(&mu);
    ran.push_back(1);
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  absl::MutexLock lock(&mu);
  EXPECT_THAT(ran, ElementsAre(1, 2));
  EXPECT_GE(scheduler.Now(), now + absl::Milliseconds(20));
}

TEST(ThreadSchedulerTest, CancelledTimerDoesNotRunAndCallbacksMayScheduleMore) {
  ThreadScheduler scheduler;
  std::atomic<bool> cancelled_ran{false};
  absl::Notification second;
  const TimerId id =
      scheduler.RunAt(scheduler.Now() + absl::Milliseconds(10), [&] { cancelled_ran = true; });
  scheduler.CancelTimer(id);
  scheduler.RunAt(scheduler.Now() + absl::Milliseconds(20),
                  [&] { scheduler.RunAt(scheduler.Now(), [&] { second.Notify(); }); });
  ASSERT_TRUE(second.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_FALSE(cancelled_ran);
}

TEST(ThreadSchedulerTest, DestructionDropsPendingTimersWithoutRunningThem) {
  auto owned = std::make_shared<int>(7);
  std::weak_ptr<int> watch = owned;
  bool ran = false;
  {
    ThreadScheduler scheduler;
    scheduler.RunAt(scheduler.Now() + absl::Hours(1),
                    [&ran, owned = std::move(owned)] { ran = true; });
  }
  EXPECT_FALSE(ran);
  EXPECT_TRUE(watch.expired());
}

TEST(ThreadSchedulerTest, ShutdownStopsTimersAndLaterOnesAreDroppedUnrun) {
  ThreadScheduler scheduler;
  bool ran = false;
  scheduler.RunAt(scheduler.Now() + absl::Hours(1), [&ran] { ran = true; });
  scheduler.Shutdown();
  auto owned = std::make_shared<int>(7);
  std::weak_ptr<int> watch = owned;
  scheduler.RunAt(scheduler.Now(), [&ran, owned = std::move(owned)] { ran = true; });
  EXPECT_TRUE(watch.expired());  // destroyed at once, not kept until destruction
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(ran);
  scheduler.Shutdown();  // idempotent
}

TEST(WaitUntilTest, RunsWhenTheTimeComes) {
  auto scheduler = std::make_shared<FakeScheduler>();
  auto cancellation = std::make_shared<Cancellation>();
  std::optional<bool> result;
  WaitUntil(scheduler, scheduler->Now() + absl::Seconds(3), cancellation,
            [&](bool cancelled) { result = cancelled; });
  scheduler->AdvanceBy(absl::Seconds(2));
  EXPECT_FALSE(result.has_value());
  scheduler->AdvanceBy(absl::Seconds(1));
  EXPECT_EQ(result, false);
  cancellation->Cancel();  // Too late: nothing happens.
  EXPECT_EQ(result, false);
}

TEST(WaitUntilTest, CancellationEndsTheWaitAtOnceAndDropsTheTimer) {
  auto scheduler = std::make_shared<FakeScheduler>();
  auto cancellation = std::make_shared<Cancellation>();
  int runs = 0;
  std::optional<bool> result;
  WaitUntil(scheduler, scheduler->Now() + absl::Seconds(3), cancellation, [&](bool cancelled) {
    ++runs;
    result = cancelled;
  });
  cancellation->Cancel();
  EXPECT_EQ(result, true);
  EXPECT_EQ(scheduler->pending_timers(), 0u);
  scheduler->AdvanceBy(absl::Seconds(5));
  EXPECT_EQ(runs, 1);
}

TEST(WaitUntilTest, AlreadyCancelledRunsAtOnce) {
  auto scheduler = std::make_shared<FakeScheduler>();
  auto cancellation = std::make_shared<Cancellation>();
  cancellation->Cancel();
  std::optional<bool> result;
  WaitUntil(scheduler, scheduler->Now() + absl::Seconds(3), cancellation,
            [&](bool cancelled) { result = cancelled; });
  EXPECT_EQ(result, true);
  EXPECT_EQ(scheduler->pending_timers(), 0u);
}

TEST(WaitUntilTest, EachWaitEndsExactlyOnceUnderRacingCancellation) {
  constexpr int kWaits = 200;
  std::atomic<int> ends{0};
  std::atomic<int> cancelled_ends{0};
  auto scheduler = std::make_shared<ThreadScheduler>();
  std::vector<std::shared_ptr<Cancellation>> cancellations;
  for (int i = 0; i < kWaits; ++i) {
    auto cancellation = std::make_shared<Cancellation>();
    cancellations.push_back(cancellation);
    WaitUntil(scheduler, scheduler->Now() + absl::Microseconds(50 * (i % 20)), cancellation,
              [&](bool cancelled) {
                ++ends;
                if (cancelled) ++cancelled_ends;
              });
  }
  for (int i = 0; i < kWaits; i += 2) cancellations[i]->Cancel();
  absl::Notification flushed;
  scheduler->RunAt(scheduler->Now() + absl::Milliseconds(50), [&] { flushed.Notify(); });
  ASSERT_TRUE(flushed.WaitForNotificationWithTimeout(absl::Seconds(10)));
  for (auto& cancellation : cancellations) cancellation->Cancel();
  EXPECT_EQ(ends.load(), kWaits);
  EXPECT_LE(cancelled_ends.load(), kWaits / 2);
}

}  // namespace
}  // namespace hss::gateway
