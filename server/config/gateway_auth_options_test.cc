// The authentication flags of GatewayOptionsFromFlags().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "server/config/gateway_flags.h"

ABSL_DECLARE_FLAG(std::string, endpoint);
ABSL_DECLARE_FLAG(std::string, region);
ABSL_DECLARE_FLAG(std::string, project_id);
ABSL_DECLARE_FLAG(std::string, auth);
ABSL_DECLARE_FLAG(std::string, iam_endpoint);
ABSL_DECLARE_FLAG(std::string, iam_user);
ABSL_DECLARE_FLAG(std::string, iam_domain);
ABSL_DECLARE_FLAG(std::string, iam_project);
ABSL_DECLARE_FLAG(std::string, iam_password_file);

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AuthOptionsTest : public ::testing::Test {
 protected:
  absl::StatusOr<GatewayOptions> Read() {
    return GatewayOptionsFromFlags([this](absl::string_view name) {
      auto it = env_.find(std::string(name));
      return it == env_.end() ? std::string() : it->second;
    });
  }

  absl::FlagSaver saver_;
  std::map<std::string, std::string> env_;
};

TEST_F(AuthOptionsTest, AkskTakesOnlyTheSdkEnvironment) {
  absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080");
  absl::SetFlag(&FLAGS_auth, "aksk");
  env_ = {{"HUAWEICLOUD_SDK_AK", "AK"},
          {"HUAWEICLOUD_SDK_SK", "SK"},
          {"HUAWEICLOUD_SDK_PROJECT_ID", "p1"}};
  auto o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->auth, AuthMode::kAksk);
  EXPECT_EQ(AuthModeName(o->auth), "aksk");
  EXPECT_EQ(o->sdk.ak, "AK");
  EXPECT_EQ(o->sdk.sk, "SK");
  EXPECT_EQ(o->default_project_id, "p1");
  EXPECT_EQ(o->sdk.credentials_file, "") << "no HOME, no file";
  EXPECT_EQ(o->iam_endpoint, "https://iam.myhuaweicloud.com");
  EXPECT_FALSE(o->iam_endpoint_explicit);
}

TEST_F(AuthOptionsTest, IamEndpointDefaults) {
  absl::SetFlag(&FLAGS_region, "cn-north-4");
  absl::SetFlag(&FLAGS_auth, "aksk");
  auto o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->iam_endpoint, "https://iam.cn-north-4.myhuaweicloud.com");
  EXPECT_EQ(o->region, "cn-north-4");
  EXPECT_EQ(IamEndpointForRegion("eu-west-101"), "https://iam.eu-west-101.myhuaweicloud.eu");

  env_["HUAWEICLOUD_SDK_IAM_ENDPOINT"] = "https://iam.env.example/";
  o = Read();
  EXPECT_EQ(o->iam_endpoint, "https://iam.env.example");
  EXPECT_TRUE(o->iam_endpoint_explicit);

  absl::SetFlag(&FLAGS_iam_endpoint, "http://127.0.0.1:9999");
  EXPECT_EQ(Read()->iam_endpoint, "http://127.0.0.1:9999");
  absl::SetFlag(&FLAGS_iam_endpoint, "iam.example");
  EXPECT_THAT(Read().status().message(), HasSubstr("--iam_endpoint must start with http"));
}

TEST_F(AuthOptionsTest, PasswordNeedsUserDomainScopeAndOnePassword) {
  absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080");
  absl::SetFlag(&FLAGS_auth, "password");
  EXPECT_THAT(Read().status().message(), HasSubstr("--iam_user=NAME and --iam_domain=ACCOUNT"));
  absl::SetFlag(&FLAGS_iam_user, "u");
  absl::SetFlag(&FLAGS_iam_domain, "d");
  EXPECT_THAT(Read().status().message(), HasSubstr("--iam_project=NAME or --region"));
  absl::SetFlag(&FLAGS_region, "cn-north-4");
  EXPECT_THAT(Read().status().message(), HasSubstr("HSS_IAM_PASSWORD"));
  env_["HSS_IAM_PASSWORD"] = "very-secret";
  auto o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->auth, AuthMode::kPassword);
  EXPECT_EQ(o->iam_project, "cn-north-4");
  EXPECT_EQ(o->iam_password, "very-secret");
  absl::SetFlag(&FLAGS_iam_password_file, "/run/secrets/iam");
  EXPECT_THAT(Read().status().message(),
              testing::AllOf(HasSubstr("not both"), Not(HasSubstr("very-secret"))));
  env_.erase("HSS_IAM_PASSWORD");
  absl::SetFlag(&FLAGS_iam_project, "cn-north-4_sub");
  o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->iam_password_file, "/run/secrets/iam");
  EXPECT_EQ(o->iam_project, "cn-north-4_sub");
}

TEST_F(AuthOptionsTest, UnknownModeListsTheModes) {
  absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080");
  absl::SetFlag(&FLAGS_auth, "oauth");
  EXPECT_THAT(Read().status().message(), HasSubstr("passthrough, token, aksk or password"));
  absl::SetFlag(&FLAGS_auth, "aksk");
  absl::SetFlag(&FLAGS_region, "bad/region");
  EXPECT_FALSE(Read().ok()) << "the region is checked even with --endpoint";
}

}  // namespace
}  // namespace hss::gateway
