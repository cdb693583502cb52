// The WatchPorts flags of GatewayOptionsFromFlags().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "server/config/gateway_flags.h"

ABSL_DECLARE_FLAG(std::string, endpoint);
ABSL_DECLARE_FLAG(absl::Duration, watch_default_interval);
ABSL_DECLARE_FLAG(absl::Duration, watch_min_interval);
ABSL_DECLARE_FLAG(absl::Duration, watch_heartbeat);
ABSL_DECLARE_FLAG(absl::Duration, watch_max_failure);
ABSL_DECLARE_FLAG(int32_t, watch_max_pending_messages);

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

class WatchFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override { absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080"); }
  absl::StatusOr<GatewayOptions> Read() {
    return GatewayOptionsFromFlags([](absl::string_view) { return std::string(); });
  }
  absl::FlagSaver saver_;
};

TEST_F(WatchFlagsTest, Defaults) {
  absl::StatusOr<GatewayOptions> o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->watch.default_interval, absl::Seconds(30));
  EXPECT_EQ(o->watch.min_interval, absl::Seconds(10));
  EXPECT_EQ(o->watch.heartbeat, absl::Seconds(60));
  EXPECT_EQ(o->watch.max_failure, absl::Minutes(5));
  EXPECT_EQ(o->watch.max_pending_messages, 64);
  // A simulator endpoint has no rate limit of its own.
  EXPECT_EQ(o->watch.upstream_calls_per_minute, 0);
}

TEST_F(WatchFlagsTest, HuaweiCloudQuotaReachesTheWatchInterval) {
  absl::SetFlag(&FLAGS_endpoint, "https://hss.ap-southeast-1.myhuaweicloud.com");
  absl::StatusOr<GatewayOptions> o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->watch.upstream_calls_per_minute, 5);
}

TEST_F(WatchFlagsTest, SetValues) {
  absl::SetFlag(&FLAGS_watch_default_interval, absl::Seconds(2));
  absl::SetFlag(&FLAGS_watch_min_interval, absl::Seconds(1));
  absl::SetFlag(&FLAGS_watch_heartbeat, absl::Seconds(5));
  absl::SetFlag(&FLAGS_watch_max_failure, absl::Seconds(20));
  absl::SetFlag(&FLAGS_watch_max_pending_messages, 3);
  absl::StatusOr<GatewayOptions> o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->watch.default_interval, absl::Seconds(2));
  EXPECT_EQ(o->watch.min_interval, absl::Seconds(1));
  EXPECT_EQ(o->watch.heartbeat, absl::Seconds(5));
  EXPECT_EQ(o->watch.max_failure, absl::Seconds(20));
  EXPECT_EQ(o->watch.max_pending_messages, 3);
}

TEST_F(WatchFlagsTest, InvalidValuesAreRefused) {
  {
    absl::FlagSaver saver;
    absl::SetFlag(&FLAGS_watch_min_interval, absl::Milliseconds(500));
    EXPECT_THAT(Read().status().message(), HasSubstr("--watch_min_interval"));
  }
  {
    absl::FlagSaver saver;
    absl::SetFlag(&FLAGS_watch_default_interval, absl::Seconds(5));
    EXPECT_THAT(Read().status().message(), HasSubstr("--watch_default_interval"));
  }
  {
    absl::FlagSaver saver;
    absl::SetFlag(&FLAGS_watch_heartbeat, absl::ZeroDuration());
    EXPECT_THAT(Read().status().message(), HasSubstr("--watch_heartbeat"));
  }
  {
    absl::FlagSaver saver;
    absl::SetFlag(&FLAGS_watch_max_failure, absl::ZeroDuration());
    EXPECT_THAT(Read().status().message(), HasSubstr("--watch_max_failure"));
  }
  {
    absl::FlagSaver saver;
    absl::SetFlag(&FLAGS_watch_max_pending_messages, 0);
    EXPECT_THAT(Read().status().message(), HasSubstr("--watch_max_pending_messages"));
  }
}

}  // namespace
}  // namespace hss::gateway
