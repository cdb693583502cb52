// The StreamPorts prefetch flags of GatewayOptionsFromFlags().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "server/config/gateway_flags.h"

ABSL_DECLARE_FLAG(std::string, endpoint);
ABSL_DECLARE_FLAG(int32_t, stream_prefetch_max_pages);
ABSL_DECLARE_FLAG(int64_t, stream_buffer_budget);
ABSL_DECLARE_FLAG(int32_t, stream_prefetch_pages);

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

class StreamFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override { absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080"); }
  absl::StatusOr<GatewayOptions> Read() {
    return GatewayOptionsFromFlags([](absl::string_view) { return std::string(); });
  }
  absl::FlagSaver saver_;
};

TEST_F(StreamFlagsTest, DefaultsAreAnAdaptiveWindowOfOneToEightPagesAnd64MiB) {
  auto options = Read();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->stream_prefetch_initial_pages, 1);
  EXPECT_EQ(options->stream_prefetch_max_pages, 8);
  EXPECT_EQ(options->stream_buffer_budget_bytes, int64_t{64} << 20);
}

TEST_F(StreamFlagsTest, FlagsFillTheOptions) {
  absl::SetFlag(&FLAGS_stream_prefetch_max_pages, 16);
  absl::SetFlag(&FLAGS_stream_buffer_budget, 1 << 20);
  auto options = Read();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->stream_prefetch_initial_pages, 1);
  EXPECT_EQ(options->stream_prefetch_max_pages, 16);
  EXPECT_EQ(options->stream_buffer_budget_bytes, 1 << 20);
}

TEST_F(StreamFlagsTest, TheDeprecatedFixedWindowSetsBothEnds) {
  absl::SetFlag(&FLAGS_stream_prefetch_pages, 3);
  auto options = Read();
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->stream_prefetch_initial_pages, 3);
  EXPECT_EQ(options->stream_prefetch_max_pages, 3);
}

TEST_F(StreamFlagsTest, OutOfRangeValuesAreRefusedNamingTheFlag) {
  absl::SetFlag(&FLAGS_stream_prefetch_max_pages, 0);
  EXPECT_THAT(std::string(Read().status().message()), HasSubstr("--stream_prefetch_max_pages"));
  absl::SetFlag(&FLAGS_stream_prefetch_max_pages, 65);
  EXPECT_THAT(std::string(Read().status().message()), HasSubstr("--stream_prefetch_max_pages"));
  absl::SetFlag(&FLAGS_stream_prefetch_max_pages, 8);
  absl::SetFlag(&FLAGS_stream_buffer_budget, -1);
  EXPECT_THAT(std::string(Read().status().message()), HasSubstr("--stream_buffer_budget"));
  absl::SetFlag(&FLAGS_stream_buffer_budget, 0);
  absl::SetFlag(&FLAGS_stream_prefetch_pages, -2);
  EXPECT_THAT(std::string(Read().status().message()), HasSubstr("--stream_prefetch_pages"));
}

}  // namespace
}  // namespace hss::gateway
