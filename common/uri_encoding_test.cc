#include "common/uri_encoding.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace hss {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;
using ::testing::Pair;

TEST(PercentEncodeTest, LeavesOnlyUnreservedCharacters) {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  EXPECT_EQ(PercentEncode(unreserved), unreserved);
  EXPECT_EQ(PercentEncode(""), "");
  EXPECT_EQ(PercentEncode(" "), "%20");
  EXPECT_EQ(PercentEncode("/?#&=%+*"), "%2F%3F%23%26%3D%25%2B%2A");
  EXPECT_EQ(PercentEncode("!$'(),;:@[]"), "%21%24%27%28%29%2C%3B%3A%40%5B%5D");
  EXPECT_EQ(PercentEncode("\"<>\\^`{|}"), "%22%3C%3E%5C%5E%60%7B%7C%7D");
  EXPECT_EQ(PercentEncode(std::string("\0\r\n\t\x7f", 5)), "%00%0D%0A%09%7F");
}

TEST(PercentEncodeTest, EncodesUtf8BytesAsUpperCaseHex) {
  EXPECT_EQ(PercentEncode("中文"), "%E4%B8%AD%E6%96%87");
  EXPECT_EQ(PercentEncode("ü"), "%C3%BC");
  EXPECT_EQ(PercentEncode("😀"), "%F0%9F%98%80");
  EXPECT_EQ(PercentEncode("\xff\xfe"), "%FF%FE");  // not UTF-8: still byte by byte
}

TEST(PercentEncodeTest, EveryByteRoundTrips) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::string encoded = PercentEncode(all);
  EXPECT_EQ(encoded.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%"),
            std::string::npos);
  EXPECT_THAT(PercentDecode(encoded), Optional(all));
  EXPECT_THAT(PercentDecode(encoded, /*plus_is_space=*/true), Optional(all));
}

TEST(PercentDecodeTest, DecodesEscapes) {
  EXPECT_THAT(PercentDecode(""), Optional(std::string()));
  EXPECT_THAT(PercentDecode("a%20b"), Optional(std::string("a b")));
  EXPECT_THAT(PercentDecode("%e4%B8%ad"), Optional(std::string("中")));
  EXPECT_THAT(PercentDecode("%2525"), Optional(std::string("%25")));
  EXPECT_THAT(PercentDecode("%00"), Optional(std::string(1, '\0')));
  EXPECT_THAT(PercentDecode("中 *~"), Optional(std::string("中 *~")));
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_THAT(PercentDecode("a+b"), Optional(std::string("a+b")));
  EXPECT_THAT(PercentDecode("a+b", /*plus_is_space=*/true), Optional(std::string("a b")));
  EXPECT_THAT(PercentDecode("a%2Bb", /*plus_is_space=*/true), Optional(std::string("a+b")));
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  for (const char* bad : {"%", "%4", "a%", "a%4", "%G1", "%1G", "%%", "%-1", "% 1", "%4%41"}) {
    EXPECT_EQ(PercentDecode(bad), std::nullopt) << bad;
  }
}

TEST(EncodeQueryTest, KeepsOrderAndEncodesBothSides) {
  EXPECT_EQ(EncodeQuery({}), "");
  EXPECT_EQ(EncodeQuery({{"b", "2"}, {"a", "1"}, {"b", "1"}}), "b=2&a=1&b=1");
  EXPECT_EQ(EncodeQuery({{"host name", "a&b=c"}, {"path", "/tmp/x y+z"}, {"e", ""}}),
            "host%20name=a%26b%3Dc&path=%2Ftmp%2Fx%20y%2Bz&e=");
  EXPECT_EQ(EncodeQuery({{"名", "中文*~%"}}), "%E5%90%8D=%E4%B8%AD%E6%96%87%2A~%25");
}

TEST(ParseQueryTest, SplitsAndDecodes) {
  EXPECT_THAT(ParseQuery(""), Optional(ElementsAre()));
  EXPECT_THAT(ParseQuery("limit=10&offset=0"),
              Optional(ElementsAre(Pair("limit", "10"), Pair("offset", "0"))));
  EXPECT_THAT(
      ParseQuery("a=x+y&b=x%20y&c=x%2By&d=*~"),
      Optional(ElementsAre(Pair("a", "x y"), Pair("b", "x y"), Pair("c", "x+y"), Pair("d", "*~"))));
  EXPECT_THAT(ParseQuery("type=UDP&type=TCP"),
              Optional(ElementsAre(Pair("type", "UDP"), Pair("type", "TCP"))));
}

TEST(ParseQueryTest, EdgeCases) {
  // A key without '=' has an empty value; empty pieces between '&' are skipped.
  EXPECT_THAT(ParseQuery("flag&&x=&=v&"),
              Optional(ElementsAre(Pair("flag", ""), Pair("x", ""), Pair("", "v"))));
  // Only the first '=' separates key and value.
  EXPECT_THAT(ParseQuery("k=a=b"), Optional(ElementsAre(Pair("k", "a=b"))));
  EXPECT_THAT(ParseQuery("%E4%B8%AD=%E6%96%87"), Optional(ElementsAre(Pair("中", "文"))));
}

TEST(ParseQueryTest, RejectsMalformedEscapes) {
  EXPECT_EQ(ParseQuery("a=%G1"), std::nullopt);
  EXPECT_EQ(ParseQuery("a%=1"), std::nullopt);
  EXPECT_EQ(ParseQuery("ok=1&bad=%4"), std::nullopt);
}

TEST(QueryRoundTripTest, ParseInvertsEncode) {
  const std::vector<QueryParam> params = {{"host_id", "h 1"},   {"host_name", "web+db 中文"},
                                          {"path", "/a/b?c#d"}, {"pct", "100%"},
                                          {"empty", ""},        {"", "no key"},
                                          {"type", "UDP"},      {"type", "TCP"}};
  EXPECT_THAT(ParseQuery(EncodeQuery(params)), Optional(params));
}

}  // namespace
}  // namespace hss
