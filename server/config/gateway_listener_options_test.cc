// The drain and connection-setting flags of GatewayOptionsFromFlags().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "server/config/gateway_flags.h"

ABSL_DECLARE_FLAG(std::string, endpoint);
ABSL_DECLARE_FLAG(absl::Duration, drain_prestop);
ABSL_DECLARE_FLAG(absl::Duration, keepalive_time);
ABSL_DECLARE_FLAG(absl::Duration, max_connection_age);
ABSL_DECLARE_FLAG(absl::Duration, max_connection_age_grace);
ABSL_DECLARE_FLAG(int32_t, max_concurrent_streams);
ABSL_DECLARE_FLAG(int32_t, max_receive_message_bytes);
ABSL_DECLARE_FLAG(int64_t, grpc_memory_quota_bytes);

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

class ListenerFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override { absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080"); }
  absl::StatusOr<GatewayOptions> Read() {
    return GatewayOptionsFromFlags([](absl::string_view) { return std::string(); });
  }
  absl::FlagSaver saver_;
};

TEST_F(ListenerFlagsTest, DefaultsAreThoseOfListenerOptionsAndAFiveSecondPrestop) {
  absl::StatusOr<GatewayOptions> o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->drain_prestop, absl::Seconds(5));
  const ListenerOptions defaults;
  EXPECT_EQ(o->listener.keepalive_time, defaults.keepalive_time);
  EXPECT_EQ(o->listener.keepalive_timeout, defaults.keepalive_timeout);
  EXPECT_EQ(o->listener.min_client_ping_interval, defaults.min_client_ping_interval);
  EXPECT_EQ(o->listener.max_connection_age, defaults.max_connection_age);
  EXPECT_EQ(o->listener.max_connection_age_grace, defaults.max_connection_age_grace);
  EXPECT_EQ(o->listener.max_concurrent_streams, defaults.max_concurrent_streams);
  EXPECT_EQ(o->listener.max_receive_message_bytes, defaults.max_receive_message_bytes);
  EXPECT_EQ(o->listener.resource_quota_bytes, defaults.resource_quota_bytes);
  EXPECT_EQ(o->listener.resource_quota_threads, defaults.resource_quota_threads);
}

TEST_F(ListenerFlagsTest, FlagsFillTheOptions) {
  absl::SetFlag(&FLAGS_drain_prestop, absl::ZeroDuration());
  absl::SetFlag(&FLAGS_max_connection_age, absl::Minutes(5));
  absl::SetFlag(&FLAGS_max_connection_age_grace, absl::Seconds(30));
  absl::SetFlag(&FLAGS_max_concurrent_streams, 10);
  absl::SetFlag(&FLAGS_max_receive_message_bytes, 2048);
  absl::SetFlag(&FLAGS_grpc_memory_quota_bytes, 0);
  absl::StatusOr<GatewayOptions> o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->drain_prestop, absl::ZeroDuration());
  EXPECT_EQ(o->listener.max_connection_age, absl::Minutes(5));
  EXPECT_EQ(o->listener.max_connection_age_grace, absl::Seconds(30));
  EXPECT_EQ(o->listener.max_concurrent_streams, 10);
  EXPECT_EQ(o->listener.max_receive_message_bytes, 2048);
  EXPECT_EQ(o->listener.resource_quota_bytes, 0);
}

TEST_F(ListenerFlagsTest, OutOfRangeValuesAreRefusedNamingTheFlag) {
  absl::SetFlag(&FLAGS_drain_prestop, absl::Seconds(-1));
  EXPECT_THAT(Read().status().message(), HasSubstr("--drain_prestop"));
  absl::SetFlag(&FLAGS_drain_prestop, absl::Seconds(1));
  absl::SetFlag(&FLAGS_keepalive_time, absl::ZeroDuration());
  EXPECT_THAT(Read().status().message(), HasSubstr("--keepalive_time"));
  absl::SetFlag(&FLAGS_keepalive_time, absl::Seconds(1));
  absl::SetFlag(&FLAGS_max_concurrent_streams, 0);
  EXPECT_THAT(Read().status().message(), HasSubstr("--max_concurrent_streams"));
  absl::SetFlag(&FLAGS_max_concurrent_streams, 1);
  absl::SetFlag(&FLAGS_max_receive_message_bytes, 100);
  EXPECT_THAT(Read().status().message(), HasSubstr("--max_receive_message_bytes"));
  absl::SetFlag(&FLAGS_max_receive_message_bytes, 4096);
  absl::SetFlag(&FLAGS_grpc_memory_quota_bytes, -1);
  EXPECT_THAT(Read().status().message(), HasSubstr("--grpc_memory_quota_bytes"));
}

}  // namespace
}  // namespace hss::gateway
