#include "server/http/url_parts.h"

#include <vector>

#include "gtest/gtest.h"

namespace hss::gateway {
namespace {

TEST(ParseHttpUrl, SplitsAsCurlDoes) {
  absl::StatusOr<UrlParts> url =
      ParseHttpUrl("HTTPS://user:pw@Hss.Example.com:8443/base/v5/p%20q/asset/ports?a=%201&b#frag");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "Hss.Example.com");
  EXPECT_EQ(url->port, "8443");
  EXPECT_EQ(url->raw_path, "/base/v5/p%20q/asset/ports");
  EXPECT_EQ(url->raw_query, "a=%201&b");
  EXPECT_EQ(url->HostHeader(), "Hss.Example.com:8443");
}

TEST(ParseHttpUrl, DefaultsAndIpv6) {
  absl::StatusOr<UrlParts> url = ParseHttpUrl("http://h");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->raw_path, "/");
  EXPECT_EQ(url->raw_query, "");
  EXPECT_EQ(url->port, "");
  EXPECT_EQ(url->HostHeader(), "h");

  url = ParseHttpUrl("http://[::1]:80/x");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "[::1]");
  EXPECT_EQ(url->HostHeader(), "[::1]");
  EXPECT_EQ(ParseHttpUrl("https://[2001:db8::1]:8443")->HostHeader(), "[2001:db8::1]:8443");
  EXPECT_EQ(ParseHttpUrl("https://h:443/")->HostHeader(), "h");
}

TEST(ParseHttpUrl, DotSegmentsAreRemovedAsCurlSendsThem) {
  absl::StatusOr<UrlParts> url = ParseHttpUrl("http://h/a/../v5/./p/asset/ports");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->raw_path, "/v5/p/asset/ports");
}

TEST(ParseHttpUrl, RejectsWhatCurlRejectsAndOtherSchemes) {
  for (const char* bad : {"", "hss.example.com/v5", "ftp://h/x", "http://h:8a/x", "http://[::1/x",
                          "http://h:99999/", "http://a b/"}) {
    absl::StatusOr<UrlParts> url = ParseHttpUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url.ok()) {
      EXPECT_EQ(url.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    }
  }
}

}  // namespace
}  // namespace hss::gateway
