#include "sim/data/json_escape.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "rapidjson/document.h"
#include "sim/data/port_generator.h"

namespace hss::sim {
namespace {

// Parses `literal` (a JSON string literal) back; nullopt if it is not valid JSON.
std::optional<std::string> ParseBack(const std::string& literal) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(literal.c_str(), literal.size());
  if (doc.HasParseError() || !doc.IsString()) return std::nullopt;
  return std::string(doc.GetString(), doc.GetStringLength());
}

TEST(JsonEscapeTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonString(""), "\"\"");
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonString("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
  EXPECT_EQ(JsonString(std::string("\x01\x1f\x00", 3)), "\"\\u0001\\u001f\\u0000\"");
  EXPECT_EQ(JsonString("\x7f/"), "\"\x7f/\"");
}

TEST(JsonEscapeTest, PassesUtf8Through) {
  EXPECT_EQ(JsonString("/opt/数据/app"), "\"/opt/数据/app\"");
  EXPECT_EQ(JsonString("🚀 café"), "\"🚀 café\"");
  EXPECT_EQ(JsonString("\u2028"), "\"\u2028\"");
}

TEST(JsonEscapeTest, ReplacesIllFormedUtf8) {
  EXPECT_EQ(JsonString("a\xff"
                       "b"),
            "\"a\\ufffdb\"");
  EXPECT_EQ(JsonString("\xc3"), "\"\\ufffd\"");                         // Truncated sequence.
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"\\ufffd\\ufffd\"");              // Overlong.
  EXPECT_EQ(JsonString("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");   // Surrogate.
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80").substr(0, 7), "\"\\ufffd");  // > U+10FFFF.
}

TEST(JsonEscapeTest, GeneratedPathsRoundTrip) {
  for (int i = 0; i < PathCount(); ++i) {
    const std::string path(PathAt(i));
    EXPECT_EQ(ParseBack(JsonString(path)), path) << i;
  }
}

TEST(JsonEscapeTest, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 24, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    const std::optional<std::string> back = ParseBack(JsonString(s));
    ASSERT_TRUE(back.has_value()) << JsonString(s);
    // Valid input comes back unchanged; RapidJSON validated the UTF-8 of the output.
    rapidjson::Document probe;
    const std::string raw = "\"" + s + "\"";
    probe.Parse<rapidjson::kParseValidateEncodingFlag>(raw.c_str(), raw.size());
    if (!probe.HasParseError() && s.find_first_of("\"\\") == std::string::npos) {
      EXPECT_EQ(*back, s);
    }
  }
}

}  // namespace
}  // namespace hss::sim
