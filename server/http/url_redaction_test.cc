#include "server/http/url_redaction.h"

#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

TEST(RedactUrlTest, RemovesUserAndPassword) {
  EXPECT_EQ(RedactUrl("http://user:secret@127.0.0.1:8080/base/v5?x=1"),
            "http://127.0.0.1:8080/base/v5?x=1");
  EXPECT_EQ(RedactUrl("https://user@hss.example.com/"), "https://hss.example.com/");
}

TEST(RedactUrlTest, RemovesLoginOptions) {
  const std::string shown = RedactUrl("http://user:secret;auth=x@h.example.com/");
  EXPECT_EQ(shown.find("secret"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("auth=x"), std::string::npos) << shown;
  EXPECT_EQ(shown, "http://h.example.com/");
}

TEST(RedactUrlTest, KeepsAUrlWithoutUserinfo) {
  EXPECT_EQ(RedactUrl("https://hss.cn-north-4.myhuaweicloud.com/v5/p/asset/ports?limit=10"),
            "https://hss.cn-north-4.myhuaweicloud.com/v5/p/asset/ports?limit=10");
}

TEST(RedactUrlTest, AnUnparseableUrlStillLosesItsUserinfo) {
  // curl rejects a space in the host; the fallback strips by hand.
  const std::string shown = RedactUrl("http://user:secret@bad host:1/x");
  EXPECT_EQ(shown.find("secret"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("user"), std::string::npos) << shown;
  EXPECT_EQ(RedactUrl("not a url"), "not a url");
}

TEST(RedactUrlTest, EveryAtOfTheAuthorityIsStripped) {
  const std::string shown = RedactUrl("http://us@er:se@cret@127.0.0.1:1/x");
  EXPECT_EQ(shown.find("cret"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("us@"), std::string::npos) << shown;
}

TEST(DisplayOriginTest, IsSchemeHostAndPortOnly) {
  EXPECT_EQ(DisplayOrigin("http://user:secret@127.0.0.1:1/x?token=t#f"), "http://127.0.0.1:1");
  EXPECT_EQ(DisplayOrigin("https://hss.example.com/v5/p"), "https://hss.example.com");
  EXPECT_EQ(DisplayOrigin("http://[::1]:8080/x"), "http://[::1]:8080");
}

TEST(DisplayOriginTest, AnUnparseableUrlFallsBackToItsAuthority) {
  EXPECT_EQ(DisplayOrigin("http://user:secret@bad host:1/x?q"), "http://bad host:1");
}

}  // namespace
}  // namespace hss::gateway
