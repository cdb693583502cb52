#include "client/calls/channel_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hss::client {
namespace {

using ::testing::HasSubstr;

TEST(ParseGrpcTarget, AcceptsWhatUsersTypeForGrpcTools) {
  struct Row {
    const char* in;
    const char* target;
    bool tls;
  };
  for (const Row& row : std::vector<Row>{
           {"127.0.0.1:50051", "127.0.0.1:50051", false},
           {"localhost:50051", "localhost:50051", false},
           {"[::1]:50051", "[::1]:50051", false},
           {"http://127.0.0.1:50051", "127.0.0.1:50051", false},
           {"http://gw.example:8080/", "gw.example:8080", false},
           {"https://gw.example:443", "gw.example:443", true},
           {"dns:///gw.example:50051", "dns:///gw.example:50051", false},
           {"ipv4:127.0.0.1:50051", "ipv4:127.0.0.1:50051", false},
           {"unix:/run/hss-gateway.sock", "unix:/run/hss-gateway.sock", false},
       }) {
    absl::StatusOr<GrpcTarget> got = ParseGrpcTarget(row.in);
    ASSERT_TRUE(got.ok()) << row.in << ": " << got.status();
    EXPECT_EQ(got->target, row.target) << row.in;
    EXPECT_EQ(got->tls, row.tls) << row.in;
  }
}

TEST(ParseGrpcTarget, RefusesATargetWithoutAPortInsteadOfDialing443) {
  for (const char* in : {"localhost", "http://localhost", "gw.example", "[::1]", "::1", "h:"}) {
    absl::StatusOr<GrpcTarget> got = ParseGrpcTarget(in);
    ASSERT_FALSE(got.ok()) << in;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(got.status().message()), HasSubstr("has no port: write host:port"))
        << in;
  }
}

TEST(ParseGrpcTarget, RefusesUrlsWithAPathOrUserInfo) {
  for (const char* in : {"http://h:1/v1", "http://user@h:1", "https://h:1?x=1"}) {
    absl::StatusOr<GrpcTarget> got = ParseGrpcTarget(in);
    ASSERT_FALSE(got.ok()) << in;
    EXPECT_THAT(std::string(got.status().message()), HasSubstr("no path, query or user info"));
  }
  EXPECT_FALSE(ParseGrpcTarget("").ok());
}

TEST(MakeChannel, ChecksTheTlsFiles) {
  CliOptions options;
  options.tls_cert_file = "/nonexistent/client.crt";
  EXPECT_THAT(std::string(MakeChannel(options).status().message()),
              HasSubstr("needs both --tls_cert_file and --tls_key_file"));
  options.tls_key_file = "/nonexistent/client.key";
  EXPECT_THAT(std::string(MakeChannel(options).status().message()),
              HasSubstr("cannot read --tls_cert_file=/nonexistent/client.crt"));
  CliOptions not_pem;
  not_pem.tls_ca_file = "/proc/self/cmdline";
  EXPECT_THAT(std::string(MakeChannel(not_pem).status().message()),
              HasSubstr("--tls_ca_file=/proc/self/cmdline is not a PEM file"));
  EXPECT_TRUE(MakeChannel(CliOptions()).ok());  // Plaintext.
}

}  // namespace
}  // namespace hss::client
