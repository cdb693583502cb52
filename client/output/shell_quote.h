#ifndef HSS_CLIENT_OUTPUT_SHELL_QUOTE_H_
#define HSS_CLIENT_OUTPUT_SHELL_QUOTE_H_

// Quoting arguments so that a POSIX shell reads them back unchanged.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hss::client {

// Returns `arg` as one POSIX shell word that expands to exactly `arg`:
// unchanged if it consists only of `A-Za-z0-9` and `_@%+=:,./-` (and is not
// empty), otherwise in single quotes with each `'` written as `'\''`. Control
// characters other than newline and tab (which single quotes keep literally)
// are written as `'"$(printf '\ooo')"'` so that the printed command cannot
// drive the terminal yet still round-trips.
std::string ShellQuote(absl::string_view arg);

// Quotes each argument with ShellQuote and joins them with single spaces. A
// first argument containing `=` is always quoted, so it is not taken for a
// variable assignment.
std::string ShellJoin(const std::vector<std::string>& args);

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_SHELL_QUOTE_H_
