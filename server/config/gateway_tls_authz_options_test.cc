// The listener TLS and caller authorization flags of GatewayOptionsFromFlags().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/time/time.h"
#include "server/config/gateway_flags.h"

ABSL_DECLARE_FLAG(std::string, endpoint);
ABSL_DECLARE_FLAG(std::string, tls_cert_file);
ABSL_DECLARE_FLAG(std::string, tls_key_file);
ABSL_DECLARE_FLAG(std::string, tls_client_ca_file);
ABSL_DECLARE_FLAG(absl::Duration, tls_reload_interval);
ABSL_DECLARE_FLAG(std::string, authz_policy_file);
ABSL_DECLARE_FLAG(absl::Duration, authz_reload_interval);
ABSL_DECLARE_FLAG(std::string, authz_trusted_identity_header);

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

class TlsAuthzOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override { absl::SetFlag(&FLAGS_endpoint, "http://127.0.0.1:8080"); }
  absl::StatusOr<GatewayOptions> Read() {
    return GatewayOptionsFromFlags([](absl::string_view) { return std::string(); });
  }
  absl::FlagSaver saver_;
};

TEST_F(TlsAuthzOptionsTest, PlaintextAndNoPolicyByDefault) {
  auto o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_FALSE(o->listener_tls.enabled());
  EXPECT_TRUE(o->authz.policy_file.empty());
  EXPECT_EQ(o->listener_tls.reload_interval, absl::Seconds(60));
}

TEST_F(TlsAuthzOptionsTest, ReadsTheFlags) {
  absl::SetFlag(&FLAGS_tls_cert_file, "/c.pem");
  absl::SetFlag(&FLAGS_tls_key_file, "/k.pem");
  absl::SetFlag(&FLAGS_tls_client_ca_file, "/ca.pem");
  absl::SetFlag(&FLAGS_tls_reload_interval, absl::Seconds(5));
  absl::SetFlag(&FLAGS_authz_policy_file, "/policy.json");
  absl::SetFlag(&FLAGS_authz_trusted_identity_header, "X-Forwarded-Client-Cert");
  auto o = Read();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->listener_tls.mutual());
  EXPECT_EQ(o->listener_tls.key_file, "/k.pem");
  EXPECT_EQ(o->listener_tls.reload_interval, absl::Seconds(5));
  EXPECT_EQ(o->authz.policy_file, "/policy.json");
  EXPECT_EQ(o->authz.trusted_identity_header, "x-forwarded-client-cert");  // gRPC keys are lower.
}

TEST_F(TlsAuthzOptionsTest, RefusesWhatCannotWork) {
  absl::SetFlag(&FLAGS_tls_reload_interval, absl::Milliseconds(10));
  EXPECT_THAT(Read().status().message(), HasSubstr("--tls_reload_interval must be at least 1s"));
  absl::SetFlag(&FLAGS_tls_reload_interval, absl::Seconds(60));
  absl::SetFlag(&FLAGS_authz_trusted_identity_header, "x-forwarded-client-cert");
  EXPECT_THAT(Read().status().message(),
              HasSubstr("--authz_trusted_identity_header needs --authz_policy_file"));
  absl::SetFlag(&FLAGS_authz_policy_file, "/p.json");
  absl::SetFlag(&FLAGS_authz_reload_interval, absl::ZeroDuration());
  EXPECT_THAT(Read().status().message(), HasSubstr("--authz_reload_interval must be at least"));
}

}  // namespace
}  // namespace hss::gateway
