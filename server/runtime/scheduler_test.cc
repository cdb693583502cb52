#include "server/runtime/scheduler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
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
  std::atomic<bool> ran{false};
  absl::Notification blocking_started;
  absl::Notification release;
  std::thread destroyer;
  {
    ThreadScheduler scheduler;
    // The first timer holds the scheduler's thread while a second one comes
    // due behind it; the scheduler is destroyed while the second is pending.
    scheduler.RunAt(scheduler.Now(), [&] {
      blocking_started.Notify();
      release.WaitForNotification();
    });
    scheduler.RunAt(scheduler.Now() + absl::Milliseconds(1),
                    [&ran, owned = std::move(owned)] { ran = true; });
    blocking_started.WaitForNotification();
    destroyer = std::thread([&] { scheduler.Shutdown(); });
    // Shutdown has begun once a new timer is dropped at once.
    for (;;) {
      auto probe = std::make_shared<int>(0);
      std::weak_ptr<int> probe_watch = probe;
      scheduler.RunAt(scheduler.Now() + absl::Hours(1), [probe = std::move(probe)] {});
      if (probe_watch.expired()) break;
      absl::SleepFor(absl::Milliseconds(1));
    }
    release.Notify();  // The thread leaves the first timer; the second is due.
    destroyer.join();
  }
  EXPECT_FALSE(ran.load());
  EXPECT_TRUE(watch.expired());
}

TEST(ThreadSchedulerTest, ShutdownStopsTimersAndLaterOnesAreDroppedUnrun) {
  ThreadScheduler scheduler;
  bool ran = false;
  scheduler.RunAt(scheduler.Now() + absl::Hours(1), [&ran] { ran = true; });
  scheduler.Shutdown();
  auto owned = std::make_shared<int>(7);
  std::weak_ptr<int> watch = owned;
  // Due at once: a stopped scheduler must neither run it inline nor keep it.
  scheduler.RunAt(scheduler.Now() - absl::Seconds(1),
                  [&ran, owned = std::move(owned)] { ran = true; });
  EXPECT_TRUE(watch.expired());  // destroyed at once, not kept until destruction
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
  // Every wait's timer comes due at the same moment at which another thread
  // cancels every wait, so timer and cancellation race for each of them.
  constexpr int kWaits = 2000;
  std::vector<std::atomic<int>> ends(kWaits);
  std::atomic<int> cancelled_ends{0};
  std::atomic<int> total_ends{0};
  absl::Notification all_ended;
  auto scheduler = std::make_shared<ThreadScheduler>();
  std::vector<std::shared_ptr<Cancellation>> cancellations;
  const absl::Time due = scheduler->Now() + absl::Milliseconds(20);
  for (int i = 0; i < kWaits; ++i) {
    auto cancellation = std::make_shared<Cancellation>();
    cancellations.push_back(cancellation);
    WaitUntil(scheduler, due, cancellation, [&, i](bool cancelled) {
      ends[i].fetch_add(1);
      if (cancelled) cancelled_ends.fetch_add(1);
      if (total_ends.fetch_add(1) + 1 == kWaits) all_ended.Notify();
    });
  }
  std::thread canceller([&] {
    while (absl::Now() < due) {
    }
    for (auto& cancellation : cancellations) cancellation->Cancel();
  });
  canceller.join();
  ASSERT_TRUE(all_ended.WaitForNotificationWithTimeout(absl::Seconds(30)));
  scheduler->Shutdown();  // Nothing may end twice, even after the race.
  for (int i = 0; i < kWaits; ++i) EXPECT_EQ(ends[i].load(), 1) << "wait " << i;
  EXPECT_EQ(total_ends.load(), kWaits);
  EXPECT_LE(cancelled_ends.load(), kWaits);
}

}  // namespace
}  // namespace hss::gateway
