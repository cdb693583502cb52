#include "client/calls/auth_token.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"

namespace hss::client {
namespace {

AuthTokenSources Sources(std::optional<std::string> env, std::string file = "",
                         std::string flag = "") {
  AuthTokenSources sources;
  sources.env = std::move(env);
  sources.file = std::move(file);
  sources.flag = std::move(flag);
  return sources;
}

class AuthTokenTest : public testing::Test {
 protected:
  // Writes `content` to a fresh file and returns its path.
  std::string WriteFile(const std::string& content) {
    path_ = testing::TempDir() + "hss_token_" +
            testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ofstream(path_, std::ios::binary) << content;
    return path_;
  }
  void TearDown() override {
    if (!path_.empty()) std::remove(path_.c_str());
  }

 private:
  std::string path_;
};

TEST_F(AuthTokenTest, NoSourceMeansNoToken) {
  absl::StatusOr<std::optional<AuthToken>> token = ResolveAuthToken(AuthTokenSources());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_FALSE(token->has_value());
  EXPECT_FALSE(ResolveAuthToken(Sources(""))->has_value());
}

TEST_F(AuthTokenTest, EnvironmentVariable) {
  absl::StatusOr<std::optional<AuthToken>> token = ResolveAuthToken(Sources("MIIenv"));
  ASSERT_TRUE(token.ok() && token->has_value());
  EXPECT_EQ((*token)->value, "MIIenv");
  EXPECT_EQ((*token)->origin, AuthTokenOrigin::kEnv);
}

TEST_F(AuthTokenTest, FileBeatsEnvironmentAndIsTrimmed) {
  const std::string path = WriteFile("  MIIfile\r\n");
  absl::StatusOr<std::optional<AuthToken>> token = ResolveAuthToken(Sources("MIIenv", path));
  ASSERT_TRUE(token.ok() && token->has_value()) << token.status();
  EXPECT_EQ((*token)->value, "MIIfile");
  EXPECT_EQ((*token)->origin, AuthTokenOrigin::kFile);
}

TEST_F(AuthTokenTest, FlagBeatsEnvironment) {
  absl::StatusOr<std::optional<AuthToken>> token =
      ResolveAuthToken(Sources("MIIenv", "", "MIIflag"));
  ASSERT_TRUE(token.ok() && token->has_value());
  EXPECT_EQ((*token)->value, "MIIflag");
  EXPECT_EQ((*token)->origin, AuthTokenOrigin::kFlag);
}

TEST_F(AuthTokenTest, RejectsFlagAndFileTogether) {
  EXPECT_EQ(ResolveAuthToken(Sources(std::nullopt, "/x", "y")).status().message(),
            "give either --token or --token_file, not both");
}

TEST_F(AuthTokenTest, RejectsUnusableFiles) {
  EXPECT_TRUE(absl::StartsWith(
      ResolveAuthToken(Sources(std::nullopt, "/nonexistent/token")).status().message(),
      "cannot read --token_file /nonexistent/token"));
  const std::string empty = WriteFile(" \n");
  EXPECT_EQ(ResolveAuthToken(Sources(std::nullopt, empty)).status().message(),
            "--token_file " + empty + " is empty");
  const std::string huge = WriteFile(std::string(65 * 1024, 'a'));
  EXPECT_EQ(ResolveAuthToken(Sources(std::nullopt, huge)).status().message(),
            "--token_file " + huge + " is larger than 64 KiB");
}

TEST_F(AuthTokenTest, RejectsTokensMetadataCannotCarryWithoutEchoingThem) {
  const std::string path = WriteFile("line1\nline2-s3cret");
  absl::StatusOr<std::optional<AuthToken>> token = ResolveAuthToken(Sources(std::nullopt, path));
  ASSERT_FALSE(token.ok());
  EXPECT_TRUE(absl::StartsWith(token.status().message(), "the token from --token_file has"));
  EXPECT_FALSE(absl::StrContains(token.status().message(), "s3cret"));
  EXPECT_FALSE(ResolveAuthToken(Sources("t\xc3\xa9st")).ok());
}

}  // namespace
}  // namespace hss::client
