#include "server/auth/credentials_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/testing/fake_http_transport.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

absl::StatusOr<CredentialsSetup> Make(const CredentialsConfig& config) {
  return MakeCredentials(config, std::make_shared<FakeHttpTransport>(),
                         std::make_shared<FakeScheduler>());
}

TEST(MakeCredentials, PassthroughHasNoIdentityOfItsOwn) {
  absl::StatusOr<CredentialsSetup> setup = Make(CredentialsConfig{});
  ASSERT_TRUE(setup.ok()) << setup.status();
  ASSERT_NE(setup->credentials, nullptr);
  EXPECT_EQ(setup->quota_identity, "");
}

TEST(MakeCredentials, AnUnusableTokenFailsAtStartUpWithoutShowingIt) {
  CredentialsConfig config;
  config.mode = AuthMode::kToken;
  config.token = "secret\ntoken";
  absl::StatusOr<CredentialsSetup> setup = Make(config);
  ASSERT_FALSE(setup.ok());
  EXPECT_THAT(std::string(setup.status().message()), StartsWith("HSS_AUTH_TOKEN is unusable"));
  EXPECT_THAT(std::string(setup.status().message()), Not(HasSubstr("secret")));
}

TEST(MakeCredentials, TokenAndAkskIdentitiesAreFingerprintsNotSecrets) {
  CredentialsConfig token;
  token.mode = AuthMode::kToken;
  token.token = "MIItoken";
  absl::StatusOr<CredentialsSetup> a = Make(token);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(a->quota_identity, StartsWith("token:"));
  EXPECT_THAT(a->quota_identity, Not(HasSubstr("MIItoken")));

  CredentialsConfig aksk;
  aksk.mode = AuthMode::kAksk;
  aksk.sdk.ak = "HSSAKEXAMPLE00000000";
  aksk.sdk.sk = "sk-secret";
  aksk.sdk.project_id = "p1";
  absl::StatusOr<CredentialsSetup> b = Make(aksk);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->project_id, "p1");
  EXPECT_THAT(b->quota_identity, StartsWith("ak:"));
  EXPECT_THAT(b->identity, Not(HasSubstr("HSSAKEXAMPLE00000000")));
}

TEST(MakeCredentials, AnUnreadablePasswordFileFailsAtStartUpNamingIt) {
  CredentialsConfig config;
  config.mode = AuthMode::kPassword;
  config.iam_endpoint = "http://127.0.0.1:1";
  config.iam_user = "u";
  config.iam_domain = "d";
  config.iam_project = "cn-north-4";
  config.iam_password_file = "/nonexistent/hss-password";
  absl::StatusOr<CredentialsSetup> setup = Make(config);
  ASSERT_FALSE(setup.ok());
  EXPECT_THAT(std::string(setup.status().message()), HasSubstr("/nonexistent/hss-password"));
}

TEST(AuthModeName, SpellsTheFlagValues) {
  EXPECT_EQ(AuthModeName(AuthMode::kPassthrough), "passthrough");
  EXPECT_EQ(AuthModeName(AuthMode::kToken), "token");
  EXPECT_EQ(AuthModeName(AuthMode::kAksk), "aksk");
  EXPECT_EQ(AuthModeName(AuthMode::kPassword), "password");
}

}  // namespace
}  // namespace hss::gateway
