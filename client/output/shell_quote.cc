#include "client/output/shell_quote.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace hss::client {
namespace {

bool IsSafeUnquoted(char c) {
  switch (c) {
    case '_':
    case '@':
    case '%':
    case '+':
    case '=':
    case ':':
    case ',':
    case '.':
    case '/':
    case '-':
      return true;
    default:
      return absl::ascii_isalnum(static_cast<unsigned char>(c));
  }
}

// Control characters that single quotes would keep but a terminal would act on.
bool NeedsPrintf(char c) {
  const auto u = static_cast<std::uint8_t>(c);
  return (u < 0x20 && c != '\n' && c != '\t') || u == 0x7F;
}

std::string QuoteAlways(absl::string_view arg) {
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else if (NeedsPrintf(c)) {
      // Close the quote, splice the byte in via printf, reopen the quote. A
      // command substitution drops trailing newlines only, never these bytes.
      absl::StrAppendFormat(&out, "'\"$(printf '\\%03o')\"'", static_cast<std::uint8_t>(c));
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

}  // namespace

std::string ShellQuote(absl::string_view arg) {
  bool safe = !arg.empty();
  for (char c : arg) safe = safe && IsSafeUnquoted(c);
  return safe ? std::string(arg) : QuoteAlways(arg);
}

std::string ShellJoin(const std::vector<std::string>& args) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i == 0) {
      // A first word such as `A=b` would be read as a variable assignment.
      out = absl::StrContains(args[0], '=') ? QuoteAlways(args[0]) : ShellQuote(args[0]);
    } else {
      out += ' ';
      out += ShellQuote(args[i]);
    }
  }
  return out;
}

}  // namespace hss::client
