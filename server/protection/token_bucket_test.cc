#include "server/protection/token_bucket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace hss::gateway {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

// Starts `calls` calls as early as the bucket allows, all asked for at `now`.
std::vector<absl::Time> Greedy(TokenBucket& bucket, absl::Time now, int calls) {
  std::vector<absl::Time> starts;
  for (int i = 0; i < calls; ++i) {
    const absl::Time start = bucket.NextFree(now);
    bucket.Take(now, start);
    starts.push_back(start);
  }
  return starts;
}

// The most call starts found in any window [s, s + window).
int MostInAnyWindow(const std::vector<absl::Time>& starts, absl::Duration window) {
  int most = 0;
  for (absl::Time s : starts) {
    int n = 0;
    for (absl::Time t : starts) n += (t >= s && t < s + window) ? 1 : 0;
    most = std::max(most, n);
  }
  return most;
}

TEST(TokenBucketTest, FivePerMinuteBurstFiveNeverExceedsFiveInAnyMinute) {
  TokenBucket bucket(5, 5);
  EXPECT_EQ(bucket.period(), absl::Minutes(1));
  std::vector<absl::Time> starts = Greedy(bucket, kT0, 12);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(starts[i], kT0) << i;
  for (int i = 5; i < 10; ++i) EXPECT_EQ(starts[i], kT0 + absl::Minutes(1)) << i;
  EXPECT_EQ(starts[10], kT0 + absl::Minutes(2));
  EXPECT_EQ(MostInAnyWindow(starts, absl::Minutes(1)), 5);
}

TEST(TokenBucketTest, ArrivalsSpreadOverTimeStayWithinTheLimit) {
  TokenBucket bucket(5, 5);
  std::vector<absl::Time> starts;
  // A call every 7 seconds for 10 minutes, each starting when allowed.
  for (int i = 0; i < 86; ++i) {
    const absl::Time now = kT0 + absl::Seconds(7 * i);
    const absl::Time start = bucket.NextFree(now);
    bucket.Take(now, start);
    starts.push_back(start);
  }
  EXPECT_EQ(MostInAnyWindow(starts, absl::Minutes(1)), 5);
}

TEST(TokenBucketTest, SmallerBurstSpacesCallsEvenly) {
  TokenBucket bucket(5, 1);
  EXPECT_EQ(bucket.period(), absl::Seconds(12));
  std::vector<absl::Time> starts = Greedy(bucket, kT0, 3);
  EXPECT_EQ(starts[0], kT0);
  EXPECT_EQ(starts[1], kT0 + absl::Seconds(12));
  EXPECT_EQ(starts[2], kT0 + absl::Seconds(24));
}

TEST(TokenBucketTest, GiveBackFreesTheReservedSlot) {
  TokenBucket bucket(1, 1);
  bucket.Take(kT0, kT0);
  const absl::Time second_start = bucket.NextFree(kT0);
  EXPECT_EQ(second_start, kT0 + absl::Minutes(1));
  TokenBucket::Receipt receipt = bucket.Take(kT0, second_start);
  EXPECT_EQ(bucket.NextFree(kT0), kT0 + absl::Minutes(2));
  bucket.GiveBack(receipt, kT0 + absl::Seconds(10));
  // Back to the state before: the first call still holds its token.
  EXPECT_EQ(bucket.NextFree(kT0 + absl::Seconds(10)), kT0 + absl::Minutes(1));
}

TEST(TokenBucketTest, GiveBackIsANoOpOnceALaterCallQueuedBehind) {
  TokenBucket bucket(1, 1);
  bucket.Take(kT0, kT0);
  TokenBucket::Receipt second = bucket.Take(kT0, bucket.NextFree(kT0));
  bucket.Take(kT0, bucket.NextFree(kT0));  // Starts at +2min, behind `second`.
  bucket.GiveBack(second, kT0);
  EXPECT_EQ(bucket.NextFree(kT0), kT0 + absl::Minutes(3));
}

TEST(TokenBucketTest, GiveBackOfAFreeLaneMakesItFreeNow) {
  TokenBucket bucket(5, 5);
  TokenBucket::Receipt receipt = bucket.Take(kT0, kT0 + absl::Seconds(5));
  bucket.GiveBack(receipt, kT0 + absl::Seconds(1));
  EXPECT_TRUE(bucket.Idle(kT0 + absl::Seconds(1)));
}

TEST(TokenBucketTest, IdleOncePeriodPassed) {
  TokenBucket bucket(5, 5);
  EXPECT_TRUE(bucket.Idle(kT0));
  bucket.Take(kT0, kT0);
  EXPECT_FALSE(bucket.Idle(kT0 + absl::Seconds(59)));
  EXPECT_TRUE(bucket.Idle(kT0 + absl::Seconds(60)));
}

TEST(TokenBucketTest, FutureStartFromAnotherLimitIsRespected) {
  TokenBucket bucket(5, 5);
  // Another limit delays the call to +30s: its token is out until +90s.
  bucket.Take(kT0, kT0 + absl::Seconds(30));
  for (int i = 0; i < 4; ++i) bucket.Take(kT0, kT0);
  EXPECT_EQ(bucket.NextFree(kT0), kT0 + absl::Seconds(60));
  bucket.Take(kT0, kT0 + absl::Seconds(60));
  EXPECT_EQ(bucket.NextFree(kT0), kT0 + absl::Seconds(60));
}

}  // namespace
}  // namespace hss::gateway
