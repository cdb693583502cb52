// The one translation of the listener's connection settings to gRPC channel arguments.
#include "server/api/listener_options.h"

#include <gmock/gmock.h>
#include <grpc/grpc.h>
#include <gtest/gtest.h>

#include <limits>

#include "grpc/health/v1/health.grpc.pb.h"

namespace hss::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(ListenerChannelArgs, TranslatesEverySettingInMilliseconds) {
  ListenerOptions options;
  options.keepalive_time = absl::Seconds(30);
  options.keepalive_timeout = absl::Seconds(5);
  options.min_client_ping_interval = absl::Seconds(10);
  options.max_connection_age = absl::Minutes(2);
  options.max_connection_age_grace = absl::Seconds(45);
  options.max_concurrent_streams = 7;
  options.max_receive_message_bytes = 4096;
  EXPECT_THAT(ListenerChannelArgs(options),
              ElementsAre(Pair(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000),
                          Pair(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5'000),
                          Pair(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1),
                          Pair(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000),
                          Pair(GRPC_ARG_MAX_CONNECTION_AGE_MS, 120'000),
                          Pair(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, 45'000),
                          Pair(GRPC_ARG_MAX_CONCURRENT_STREAMS, 7),
                          Pair(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 4096)));
}

TEST(ListenerChannelArgs, NoLimitAndVeryLongDurationsBecomeIntMax) {
  ListenerOptions options;
  options.max_connection_age = absl::InfiniteDuration();
  options.max_connection_age_grace = absl::Hours(24 * 365);
  const auto args = ListenerChannelArgs(options);
  constexpr int kMax = std::numeric_limits<int>::max();
  EXPECT_THAT(args[4], Pair(GRPC_ARG_MAX_CONNECTION_AGE_MS, kMax));
  EXPECT_THAT(args[5], Pair(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, kMax));
}

TEST(ListenerChannelArgs, DefaultsAreTheDocumentedOnes) {
  const auto args = ListenerChannelArgs(ListenerOptions{});
  EXPECT_THAT(args[0], Pair(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000));
  EXPECT_THAT(args[1], Pair(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000));
  EXPECT_THAT(args[3], Pair(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000));
  EXPECT_THAT(args[4], Pair(GRPC_ARG_MAX_CONNECTION_AGE_MS, 30 * 60'000));
  EXPECT_THAT(args[5], Pair(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, std::numeric_limits<int>::max()));
  EXPECT_THAT(args[6], Pair(GRPC_ARG_MAX_CONCURRENT_STREAMS, 1000));
  EXPECT_THAT(args[7], Pair(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 4 << 20));
}

TEST(ApplyListenerOptions, AServerBuiltWithThemStarts) {
  ListenerOptions options;
  options.resource_quota_threads = 8;
  grpc::ServerBuilder builder;
  grpc::health::v1::Health::CallbackService service;  // Any callback service.
  builder.RegisterService(&service);
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  ApplyListenerOptions(options, builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  EXPECT_GT(port, 0);
  server->Shutdown();
}

}  // namespace
}  // namespace hss::gateway
