#include "client/output/terminal_text.h"

#include <gtest/gtest.h>

#include <string>

namespace hss::client {
namespace {

TEST(EscapeForTerminalTest, KeepsPrintableAsciiAndUtf8) {
  EXPECT_EQ(EscapeForTerminal("/usr/sbin/sshd"), "/usr/sbin/sshd");
  EXPECT_EQ(EscapeForTerminal("/opt/服务/端口 é"), "/opt/服务/端口 é");
}

TEST(EscapeForTerminalTest, EscapesControlCharacters) {
  EXPECT_EQ(EscapeForTerminal("a\nb\rc\td"), "a\\nb\\rc\\td");
  EXPECT_EQ(EscapeForTerminal("\x1b[2J\x07"), "\\x1B[2J\\x07");
  EXPECT_EQ(EscapeForTerminal(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(EscapeForTerminal("\x7f"), "\\x7F");
  EXPECT_EQ(EscapeForTerminal("\xc2\x9b"
                              "31m"),
            "\\u009B31m");  // C1 CSI.
}

TEST(EscapeForTerminalTest, EscapesBidiOverrides) {
  EXPECT_EQ(EscapeForTerminal("a\u202Eb\u2066c"), "a\\u202Eb\\u2066c");
}

TEST(EscapeForTerminalTest, EscapesInvalidUtf8ByteByByte) {
  EXPECT_EQ(EscapeForTerminal("a\xff"
                              "b"),
            "a\\xFFb");
  EXPECT_EQ(EscapeForTerminal("\xe6\x9c"), "\\xE6\\x9C");           // Truncated sequence.
  EXPECT_EQ(EscapeForTerminal("\xc0\xaf"), "\\xC0\\xAF");           // Overlong '/'.
  EXPECT_EQ(EscapeForTerminal("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // Surrogate.
}

TEST(DisplayWidthTest, CountsColumns) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("sshd"), 4u);
  EXPECT_EQ(DisplayWidth("端口"), 4u);
  EXPECT_EQ(DisplayWidth("ポート"), 6u);
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);  // e + combining acute accent.
  EXPECT_EQ(DisplayWidth("é"), 1u);
  EXPECT_EQ(DisplayWidth("\U0001F600"), 2u);
  EXPECT_EQ(DisplayWidth("\xff"), 1u);
}

TEST(DisplayWidthTest, CountsEmojiOutsideTheOldTablesAsWide) {
  EXPECT_EQ(DisplayWidth("\U0001F680"), 2u);  // 🚀 ROCKET (Transport and Map Symbols).
  EXPECT_EQ(DisplayWidth("\U0001F6EB"), 2u);  // 🛫 AIRPLANE DEPARTURE.
  EXPECT_EQ(DisplayWidth("go \U0001F680!"), 6u);
}

TEST(DisplayWidthTest, CountsCjkAsWide) {
  EXPECT_EQ(DisplayWidth("服务端口"), 8u);
  EXPECT_EQ(DisplayWidth("한국어"), 6u);      // Hangul syllables.
  EXPECT_EQ(DisplayWidth("ＡＢ"), 4u);        // Fullwidth forms.
  EXPECT_EQ(DisplayWidth("\U00020BB7"), 2u);  // A CJK Extension B ideograph.
}

TEST(DisplayWidthTest, CombiningMarksAndJoinersHaveNoWidth) {
  EXPECT_EQ(DisplayWidth("a\u0301\u0323"), 1u);       // a + two combining marks.
  EXPECT_EQ(DisplayWidth("\u0915\u094D\u0937"), 2u);  // Devanagari: the virama is a mark.
  EXPECT_EQ(DisplayWidth("\u200D"), 0u);              // ZERO WIDTH JOINER alone.
  EXPECT_EQ(DisplayWidth("a\u200Db"), 2u);
  EXPECT_EQ(DisplayWidth("\u200B"), 0u);  // ZERO WIDTH SPACE.
}

TEST(EllipsizeTest, LeavesTextThatFitsAlone) {
  EXPECT_EQ(Ellipsize("/usr/sbin/sshd", 14, EllipsisAt::kPath), "/usr/sbin/sshd");
  EXPECT_EQ(Ellipsize("abc", 80, EllipsisAt::kEnd), "abc");
  EXPECT_EQ(Ellipsize("", 0, EllipsisAt::kMiddle), "");
}

TEST(EllipsizeTest, PathKeepsItsFileNameAndLosesItsMiddle) {
  EXPECT_EQ(Ellipsize("/usr/lib/openssh/sbin/sshd", 15, EllipsisAt::kPath), "/usr/lib/…/sshd");
  EXPECT_EQ(Ellipsize("/usr/lib/openssh/sbin/sshd", 6, EllipsisAt::kPath), "…/sshd");
  // A file name too long to keep whole keeps its end.
  EXPECT_EQ(Ellipsize("/opt/a-very-long-binary-name", 8, EllipsisAt::kPath), "…ry-name");
  EXPECT_EQ(Ellipsize("no-slash-at-all", 8, EllipsisAt::kPath), "…-at-all");
  // Windows paths (HSS also watches Windows hosts) split at backslashes.
  EXPECT_EQ(Ellipsize("C:\\Program Files\\Vendor\\App\\app.exe", 14, EllipsisAt::kPath),
            "C:\\Pr…\\app.exe");
}

TEST(EllipsizeTest, MiddleKeepsBothEnds) {
  EXPECT_EQ(Ellipsize("2001:db8:85a3::8a2e:370:7334", 15, EllipsisAt::kMiddle), "2001:db…70:7334");
  EXPECT_EQ(Ellipsize("abcdefghij", 6, EllipsisAt::kMiddle), "abc…ij");
}

TEST(EllipsizeTest, EndKeepsTheStart) {
  EXPECT_EQ(Ellipsize("3f2a9c0d1e4b5a6978", 13, EllipsisAt::kEnd), "3f2a9c0d1e4b…");
  EXPECT_EQ(Ellipsize("abc", 1, EllipsisAt::kEnd), "…");
  EXPECT_EQ(Ellipsize("abc", 0, EllipsisAt::kEnd), "");
}

TEST(EllipsizeTest, CutsWideTextOnCodePointsByDisplayWidth) {
  // Each ideograph is 2 columns: 5 columns hold "…" and two of them, not a
  // half character.
  const std::string cut = Ellipsize("服务端口服务端口", 5, EllipsisAt::kEnd);
  EXPECT_EQ(cut, "服务…");
  EXPECT_EQ(Ellipsize("服务端口服务端口", 6, EllipsisAt::kEnd), "服务…");
  EXPECT_EQ(Ellipsize("/\U0001F680\U0001F680\U0001F680/run", 8, EllipsisAt::kPath),
            "/\U0001F680…/run");
  EXPECT_EQ(Ellipsize("/\U0001F680\U0001F680\U0001F680/run", 7, EllipsisAt::kPath), "/…/run");
  EXPECT_LE(DisplayWidth(Ellipsize("\U0001F680\U0001F680\U0001F680", 4, EllipsisAt::kMiddle)), 4u);
  // A combining mark stays with its base character.
  EXPECT_EQ(Ellipsize("e\u0301e\u0301e\u0301e\u0301", 3, EllipsisAt::kEnd), "e\u0301e\u0301…");
}

}  // namespace
}  // namespace hss::client
