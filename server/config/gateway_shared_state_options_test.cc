// The --shared_state flags of GatewayOptionsFromFlags().
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "server/config/gateway_flags.h"

ABSL_DECLARE_FLAG(std::string, endpoint);
ABSL_DECLARE_FLAG(std::string, shared_state);
ABSL_DECLARE_FLAG(std::string, redis_password_file);
ABSL_DECLARE_FLAG(int32_t, expected_replicas);
ABSL_DECLARE_FLAG(absl::Duration, redis_command_timeout);
ABSL_DECLARE_FLAG(int64_t, shared_page_max_bytes);

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SharedStateFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override { absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080"); }

  absl::StatusOr<GatewayOptions> Read(std::string env_password = "") {
    return GatewayOptionsFromFlags([env_password](absl::string_view name) {
      return name == "HSS_REDIS_PASSWORD" ? env_password : std::string();
    });
  }

  // A password file only its owner can read, as the gateway requires.
  std::string PasswordFile(const std::string& contents) {
    const std::string path = absl::StrCat(::testing::TempDir(), "/redis-password-",
                                          ::testing::UnitTest::GetInstance()->random_seed());
    std::ofstream(path) << contents;
    chmod(path.c_str(), 0600);
    return path;
  }

  absl::FlagSaver saver_;
};

TEST_F(SharedStateFlagsTest, WithoutTheFlagEachReplicaIsAlone) {
  absl::StatusOr<GatewayOptions> o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_FALSE(o->protection.shared_state.has_value());
}

TEST_F(SharedStateFlagsTest, DefaultsWithARedisUrl) {
  absl::SetFlag(&FLAGS_shared_state, "redis://redis.example:6380/2");
  absl::StatusOr<GatewayOptions> o = Read("s3cret");
  ASSERT_TRUE(o.ok()) << o.status();
  ASSERT_TRUE(o->protection.shared_state.has_value());
  const SharedStateOptions& s = *o->protection.shared_state;
  EXPECT_EQ(s.endpoint.host, "redis.example");
  EXPECT_EQ(s.endpoint.port, 6380);
  EXPECT_EQ(s.endpoint.db, 2);
  EXPECT_EQ(s.password, "s3cret");
  EXPECT_EQ(s.expected_replicas, 3);
  EXPECT_EQ(s.command_timeout, absl::Milliseconds(50));
  EXPECT_EQ(s.max_shared_page_bytes, 1 << 20);
}

TEST_F(SharedStateFlagsTest, SetValuesAndAPasswordFile) {
  absl::SetFlag(&FLAGS_shared_state, "redis://127.0.0.1:6379");
  absl::SetFlag(&FLAGS_redis_password_file, PasswordFile("from-file\n"));
  absl::SetFlag(&FLAGS_expected_replicas, 10);
  absl::SetFlag(&FLAGS_redis_command_timeout, absl::Milliseconds(20));
  absl::SetFlag(&FLAGS_shared_page_max_bytes, 65536);
  absl::StatusOr<GatewayOptions> o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  const SharedStateOptions& s = *o->protection.shared_state;
  EXPECT_EQ(s.password, "from-file");
  EXPECT_EQ(s.expected_replicas, 10);
  EXPECT_EQ(s.command_timeout, absl::Milliseconds(20));
  EXPECT_EQ(s.max_shared_page_bytes, 65536);
}

TEST_F(SharedStateFlagsTest, InvalidValuesAreRefusedNamingTheFlag) {
  absl::SetFlag(&FLAGS_shared_state, "redis://127.0.0.1:6379");
  const auto refused = [&](auto& flag, auto value, const char* name) {
    absl::FlagSaver saver;
    absl::SetFlag(&flag, value);
    absl::StatusOr<GatewayOptions> o = Read();
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(o.status().message(), HasSubstr(name));
  };
  refused(FLAGS_expected_replicas, 0, "--expected_replicas");
  refused(FLAGS_expected_replicas, 1001, "--expected_replicas");
  refused(FLAGS_redis_command_timeout, absl::Seconds(2), "--redis_command_timeout");
  refused(FLAGS_redis_command_timeout, absl::ZeroDuration(), "--redis_command_timeout");
  refused(FLAGS_shared_page_max_bytes, int64_t{100}, "--shared_page_max_bytes");
  refused(FLAGS_shared_page_max_bytes, int64_t{1} << 30, "--shared_page_max_bytes");
  refused(FLAGS_shared_state, std::string("rediss://127.0.0.1:6379"), "--shared_state");
}

TEST_F(SharedStateFlagsTest, APasswordInTwoPlacesOrInTheUrlIsRefusedAndNeverEchoed) {
  absl::SetFlag(&FLAGS_shared_state, "redis://127.0.0.1:6379");
  absl::SetFlag(&FLAGS_redis_password_file, PasswordFile("from-file"));
  absl::StatusOr<GatewayOptions> both = Read("from-env");
  EXPECT_EQ(both.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(both.status().message(), HasSubstr("not both"));
  EXPECT_THAT(both.status().message(), Not(HasSubstr("from-")));
  absl::SetFlag(&FLAGS_redis_password_file, "");
  absl::SetFlag(&FLAGS_shared_state, "redis://:hunter2@127.0.0.1:6379");
  absl::StatusOr<GatewayOptions> in_url = Read();
  EXPECT_EQ(in_url.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(in_url.status().message(), Not(HasSubstr("hunter2")));
}

TEST_F(SharedStateFlagsTest, AnAclUserNeedsItsPassword) {
  absl::SetFlag(&FLAGS_shared_state, "redis://gateway@127.0.0.1:6379");
  absl::StatusOr<GatewayOptions> without = Read();
  EXPECT_EQ(without.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(without.status().message(), HasSubstr("--redis_password_file"));
  absl::StatusOr<GatewayOptions> with = Read("s3cret");
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ(with->protection.shared_state->endpoint.username, "gateway");
  EXPECT_EQ(with->protection.shared_state->password, "s3cret");
}

TEST_F(SharedStateFlagsTest, APasswordFileWithoutSharedStateIsRefused) {
  absl::SetFlag(&FLAGS_redis_password_file, PasswordFile("pw"));
  EXPECT_THAT(Read().status().message(), HasSubstr("needs --shared_state"));
}

}  // namespace
}  // namespace hss::gateway
