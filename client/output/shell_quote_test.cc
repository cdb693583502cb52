#include "client/output/shell_quote.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hss::client {
namespace {

TEST(ShellQuoteTest, LeavesSafeWordsAlone) {
  EXPECT_EQ(ShellQuote("--host_id=abc-123"), "--host_id=abc-123");
  EXPECT_EQ(ShellQuote("10.0.0.1:50051"), "10.0.0.1:50051");
  EXPECT_EQ(ShellQuote("/usr/bin/hss-ports"), "/usr/bin/hss-ports");
}

TEST(ShellQuoteTest, QuotesEverythingElse) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("$(rm -rf ~)"), "'$(rm -rf ~)'");
  EXPECT_EQ(ShellQuote("`id`"), "'`id`'");
  EXPECT_EQ(ShellQuote("~"), "'~'");
  EXPECT_EQ(ShellQuote("*"), "'*'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("a\nb"), "'a\nb'");
}

TEST(ShellQuoteTest, SplicesControlCharactersWithPrintf) {
  EXPECT_EQ(ShellQuote("\x1b[31m"), "''\"$(printf '\\033')\"'[31m'");
}

TEST(ShellJoinTest, QuotesAFirstWordThatLooksLikeAnAssignment) {
  EXPECT_EQ(ShellJoin({"A=b", "c=d"}), "'A=b' c=d");
  EXPECT_EQ(ShellJoin({"hss-ports", "list"}), "hss-ports list");
  EXPECT_EQ(ShellJoin({}), "");
}

// Runs `printf '%s\0' <quoted args>` through /bin/sh and returns the words it
// printed: what the shell made of the quoted arguments.
std::vector<std::string> EvaluateInShell(const std::vector<std::string>& args) {
  std::string command = "printf '%s\\0'";
  // StrAppend, not `" " + string`: GCC 12 at -O3 reports a false -Wrestrict for
  // that (GCC bug 105329).
  for (const std::string& arg : args) absl::StrAppend(&command, " ", ShellQuote(arg));
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {};
  std::string output;
  char buffer[256];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  pclose(pipe);
  std::vector<std::string> words = absl::StrSplit(output, '\0');
  if (!words.empty()) words.pop_back();  // After the last terminator.
  return words;
}

TEST(ShellQuoteTest, HostileArgumentsRoundTripThroughTheShell) {
  const std::vector<std::string> args = {
      "plain",   "a b",         "it's",   "\"double\"",  "$(touch /tmp/hss-pwned)",
      "`id`",    "$HOME",       "a\nb\n", "tab\there",   "semi;colon|pipe&bg",
      "*",       "~",           "!event", "back\\slash", "",
      "ünïcödé", "\x1b[31mred", "\x7f",   "--x='y'",     "\x01\x02",
  };
  EXPECT_EQ(EvaluateInShell(args), args);
}

}  // namespace
}  // namespace hss::client
