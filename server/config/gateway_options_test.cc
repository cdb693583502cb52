// Endpoints derived from a region.
#include "server/config/gateway_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

TEST(EndpointForRegion, FollowsHuaweiConventions) {
  auto no_env = [](absl::string_view) { return std::string(); };
  EXPECT_EQ(*EndpointForRegion("cn-north-4", no_env), "https://hss.cn-north-4.myhuaweicloud.com");
  EXPECT_EQ(*EndpointForRegion("eu-west-101", no_env), "https://hss.eu-west-101.myhuaweicloud.eu");
  auto env = [](absl::string_view name) {
    return name == "HUAWEICLOUD_SDK_REGION_HSS_AP_SOUTHEAST_1" ? std::string("https://private")
                                                               : std::string();
  };
  EXPECT_EQ(*EndpointForRegion("ap-southeast-1", env), "https://private");
  EXPECT_FALSE(EndpointForRegion("cn-north-4/../evil", no_env).ok());
  EXPECT_FALSE(EndpointForRegion("", no_env).ok());
}

}  // namespace
}  // namespace hss::gateway
