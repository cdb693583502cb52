#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace hss {
namespace {

TEST(DecodeUtf8, DecodesEveryLength) {
  EXPECT_EQ(DecodeUtf8("A", 0).length, 1u);
  const std::string s = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x9A\x80";  // é € 🚀
  Utf8Char e = DecodeUtf8(s, 0);
  EXPECT_EQ(e.length, 2u);
  EXPECT_EQ(e.code_point, U'\u00E9');
  Utf8Char euro = DecodeUtf8(s, 2);
  EXPECT_EQ(euro.length, 3u);
  EXPECT_EQ(euro.code_point, U'\u20AC');
  Utf8Char rocket = DecodeUtf8(s, 5);
  EXPECT_EQ(rocket.length, 4u);
  EXPECT_EQ(rocket.code_point, U'\U0001F680');
}

TEST(DecodeUtf8, RefusesWhatRfc3629Forbids) {
  for (const std::string& bad : {
           std::string("\x80"),              // stray continuation
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xE0\x80\xAF"),      // overlong
           std::string("\xED\xA0\x80"),      // surrogate U+D800
           std::string("\xF4\x90\x80\x80"),  // above U+10FFFF
           std::string("\xF5\x80\x80\x80"),  // no such lead
           std::string("\xC3"),              // cut short
           std::string("\xE2\x82"),          // cut short
           std::string("\xFF"),
       }) {
    EXPECT_EQ(DecodeUtf8(bad, 0).length, 0u) << testing::PrintToString(bad);
    EXPECT_FALSE(IsValidUtf8(bad)) << testing::PrintToString(bad);
  }
}

TEST(InvalidUtf8Length, ReplacesTheMaximalSubpart) {
  EXPECT_EQ(InvalidUtf8Length("\xFF", 0), 1u);
  EXPECT_EQ(InvalidUtf8Length("\xE2\x82"
                              "A",
                              0),
            2u);                                        // lead + one fitting byte
  EXPECT_EQ(InvalidUtf8Length("\xED\xA0\x80", 0), 1u);  // A0 cannot follow ED
  EXPECT_EQ(InvalidUtf8Length("\xF0\x9F\x9A", 0), 3u);
}

TEST(IsValidUtf8, AcceptsAsciiRunsAndMixedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8(std::string(1000, 'a')));
  EXPECT_TRUE(IsValidUtf8("0123456789abcdef\xC3\xA9xyz\xF0\x9F\x9A\x80"));
  EXPECT_FALSE(IsValidUtf8("0123456789abcdef\xC3"));
}

}  // namespace
}  // namespace hss
