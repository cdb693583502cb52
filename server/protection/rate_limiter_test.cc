#include "server/protection/rate_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);
constexpr absl::string_view kIdentity = "token:3f2a9c";

absl::Duration RetryDelay(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info) return -absl::Seconds(1);
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

TEST(DefaultLimitsTest, HuaweiCloudHostsGetTheDocumentedLimits) {
  for (absl::string_view endpoint : {
           "https://hss.cn-north-4.myhuaweicloud.com",
           "https://hss.eu-west-101.myhuaweicloud.eu",
           "https://HSS.AP-SOUTHEAST-1.MYHUAWEICLOUD.COM:443/",
           "https://hss.cn-north-4.myhuaweicloud.com./v5",
           "hss.cn-north-4.myhuaweicloud.com",
           "https://user@hss.cn-north-4.myhuaweicloud.com",
       }) {
    RateLimiterOptions o = DefaultLimitsForEndpoint(endpoint);
    EXPECT_EQ(o.per_identity_per_minute, 5) << endpoint;
    EXPECT_EQ(o.per_identity_burst, 5) << endpoint;
    EXPECT_EQ(o.total_per_minute, 600) << endpoint;
  }
}

TEST(DefaultLimitsTest, OtherEndpointsAreUnlimited) {
  for (absl::string_view endpoint : {
           "http://127.0.0.1:8080",
           "http://localhost:8080/base/",
           "https://hss.example.com",
           "https://myhuaweicloud.com.evil.example",
           "https://evilmyhuaweicloud.com",
           "https://evil.example/?x=.myhuaweicloud.com",
           "https://evil.example/a.myhuaweicloud.com",
           "http://[::1]:8080",
           "",
       }) {
    RateLimiterOptions o = DefaultLimitsForEndpoint(endpoint);
    EXPECT_EQ(o.per_identity_per_minute, 0) << endpoint;
    EXPECT_EQ(o.total_per_minute, 0) << endpoint;
    EXPECT_FALSE(RateLimiter(o).enabled()) << endpoint;
  }
}

TEST(RateLimiterTest, UnlimitedGrantsEverythingNowAndTracksNothing) {
  RateLimiter limiter(RateLimiterOptions{});
  for (int i = 0; i < 100; ++i) {
    auto ticket = limiter.Acquire(kIdentity, kT0, kT0 + absl::Seconds(1));
    ASSERT_TRUE(ticket.ok());
    EXPECT_EQ(ticket->start, kT0);
  }
  EXPECT_EQ(limiter.tracked_identities(), 0u);
}

TEST(RateLimiterTest, PerIdentityLimitQueuesThenRefusesPastTheDeadline) {
  RateLimiter limiter(HuaweiCloudHssLimits());
  for (int i = 0; i < 5; ++i) {
    auto ticket = limiter.Acquire(kIdentity, kT0, absl::InfiniteFuture());
    ASSERT_TRUE(ticket.ok());
    EXPECT_EQ(ticket->start, kT0);
  }
  // The 6th may start in a minute: it waits if its deadline allows...
  auto sixth = limiter.Acquire(kIdentity, kT0, kT0 + absl::Seconds(61));
  ASSERT_TRUE(sixth.ok());
  EXPECT_EQ(sixth->start, kT0 + absl::Minutes(1));
  // ...and is refused, without reserving, if not.
  auto refused = limiter.Acquire(kIdentity, kT0 + absl::Seconds(10), kT0 + absl::Seconds(40));
  ASSERT_FALSE(refused.ok());
  const absl::Status& status = refused.status();
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetErrorInfo(status)->reason(), "GATEWAY_RATE_LIMITED");
  EXPECT_EQ(GetErrorInfo(status)->metadata().at("rateLimit"), "perIdentity");
  EXPECT_EQ(RetryDelay(status), absl::Seconds(50));
  EXPECT_THAT(status.message(), HasSubstr("5 HSS calls per minute per IAM token"));
  EXPECT_THAT(status.message(), HasSubstr("before the call's deadline"));
  EXPECT_THAT(status.message(), Not(HasSubstr("3f2a9c")));
  auto seventh = limiter.Acquire(kIdentity, kT0 + absl::Seconds(10), absl::InfiniteFuture());
  ASSERT_TRUE(seventh.ok());
  EXPECT_EQ(seventh->start, kT0 + absl::Minutes(1));
}

TEST(RateLimiterTest, IdentitiesHaveTheirOwnBuckets) {
  RateLimiter limiter(HuaweiCloudHssLimits());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Acquire("ak:A", kT0, kT0).ok());
  auto other = limiter.Acquire("ak:B", kT0, kT0 + absl::Seconds(1));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->start, kT0);
  auto refused = limiter.Acquire("ak:A", kT0, kT0 + absl::Seconds(1));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("per access key (AK)"));
}

TEST(RateLimiterTest, TotalLimitAppliesAcrossIdentities) {
  RateLimiterOptions options;
  options.total_per_minute = 3;
  RateLimiter limiter(options);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(limiter.Acquire(absl::StrCat("iam:u", i), kT0, kT0).ok());
  }
  auto refused = limiter.Acquire("iam:u9", kT0, kT0 + absl::Seconds(5));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(GetErrorInfo(refused.status())->metadata().at("rateLimit"), "total");
  EXPECT_THAT(refused.status().message(), HasSubstr("3 HSS calls per minute for all callers"));
  EXPECT_EQ(RetryDelay(refused.status()), absl::Minutes(1));
  EXPECT_EQ(limiter.tracked_identities(), 0u);  // No per-identity limit configured.
}

TEST(RateLimiterTest, BothLimitsTheLaterWins) {
  RateLimiterOptions options = HuaweiCloudHssLimits();
  options.total_per_minute = 6;
  options.total_burst = 6;
  RateLimiter limiter(options);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Acquire("ak:A", kT0, kT0).ok());
  ASSERT_TRUE(limiter.Acquire("ak:B", kT0, kT0).ok());
  // B has tokens of its own, but the total is spent until +1min.
  auto b = limiter.Acquire("ak:B", kT0, absl::InfiniteFuture());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->start, kT0 + absl::Minutes(1));
}

TEST(RateLimiterTest, ReleaseGivesTheSlotBack) {
  RateLimiterOptions options;
  options.per_identity_per_minute = 1;
  RateLimiter limiter(options);
  ASSERT_TRUE(limiter.Acquire(kIdentity, kT0, kT0).ok());
  auto waiting = limiter.Acquire(kIdentity, kT0, absl::InfiniteFuture());
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->start, kT0 + absl::Minutes(1));
  limiter.Release(*waiting, kT0 + absl::Seconds(5));
  auto next = limiter.Acquire(kIdentity, kT0 + absl::Seconds(5), absl::InfiniteFuture());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->start, kT0 + absl::Minutes(1));
}

TEST(RateLimiterTest, MaxWaitBoundsCallsWithoutDeadline) {
  RateLimiterOptions options;
  options.per_identity_per_minute = 1;
  options.max_wait = absl::Seconds(30);
  RateLimiter limiter(options);
  ASSERT_TRUE(limiter.Acquire(kIdentity, kT0, absl::InfiniteFuture()).ok());
  auto refused = limiter.Acquire(kIdentity, kT0, absl::InfiniteFuture());
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("within the longest wait of 30s"));
}

TEST(RateLimiterTest, CallWithoutWaitIsNeverRefusedEvenPastItsDeadline) {
  RateLimiter limiter(HuaweiCloudHssLimits());
  auto ticket = limiter.Acquire(kIdentity, kT0, kT0 - absl::Seconds(1));
  ASSERT_TRUE(ticket.ok());
  EXPECT_EQ(ticket->start, kT0);
}

TEST(RateLimiterTest, IdleIdentitiesAreForgotten) {
  RateLimiterOptions options;
  options.per_identity_per_minute = 5;
  RateLimiter limiter(options);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Acquire(absl::StrCat("token:", i), kT0, kT0).ok());
  }
  EXPECT_LE(limiter.tracked_identities(), 1000u);
  const absl::Time later = kT0 + absl::Minutes(2);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(limiter.Acquire(absl::StrCat("token:new", i), later, later).ok());
  }
  EXPECT_LE(limiter.tracked_identities(), 200u);
}

}  // namespace
}  // namespace hss::gateway
