#include "server/runtime/duration_text.h"

#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

TEST(ReadableDuration, RoundsUpToWhatAPersonReads) {
  EXPECT_EQ(ReadableDuration(absl::ZeroDuration()), "0");
  EXPECT_EQ(ReadableDuration(absl::Microseconds(250'400)), "251ms");
  EXPECT_EQ(ReadableDuration(absl::Milliseconds(1234)), "1.3s");
  EXPECT_EQ(ReadableDuration(absl::Seconds(150)), "2m30s");
}

}  // namespace
}  // namespace hss::gateway
