#ifndef HSS_CLIENT_OUTPUT_TERMINAL_TEXT_H_
#define HSS_CLIENT_OUTPUT_TERMINAL_TEXT_H_

// Making untrusted text (server messages, upstream paths) safe and measurable
// on a terminal.

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace hss::client {

// Returns `text` with everything a terminal would interpret replaced by a
// visible escape, so that text from the server can neither move the cursor nor
// reorder what follows: `\n`, `\r`, `\t`, other C0 controls and DEL as `\xHH`
// (or `\n`, `\r`, `\t`), C1 controls and bidirectional overrides as `\uHHHH`,
// and bytes that are not valid UTF-8 as `\xHH`. Valid printable UTF-8 is kept.
std::string EscapeForTerminal(absl::string_view text);

// The number of terminal columns `text` (valid UTF-8, e.g. the result of
// EscapeForTerminal) occupies, by libunistring's uc_width(): 2 for East Asian
// wide and emoji code points, 0 for combining marks and zero-width characters
// (such as U+200D ZERO WIDTH JOINER), 1 otherwise; an invalid byte counts 1
// (a terminal shows a replacement character). Unlike wcwidth() it does not
// depend on the process locale. Emoji joined by U+200D count one by one.
std::size_t DisplayWidth(absl::string_view text);

// Which part of a text Ellipsize keeps.
enum class EllipsisAt {
  // Keeps the start: "3f2a9c0d1e4b…" (container ids, status text).
  kEnd,
  // Keeps both ends, the start one column longer: "2001:db…70:7334"
  // (addresses).
  kMiddle,
  // Keeps the last path component ("/sshd", after a slash or backslash) and
  // as much of the start as fits: "/usr/lib/…/sshd"; a last component too
  // long to keep whole keeps its end.
  kPath,
};

// Returns `text` (valid UTF-8, e.g. the result of EscapeForTerminal)
// unchanged if DisplayWidth(text) <= `width`; otherwise cut to at most `width`
// display columns with "…" (one column) where text was dropped. Cuts fall
// between code points, so a wide character that would straddle the limit is
// dropped too (the result may be a column short) and a combining mark stays
// with the character before it.
std::string Ellipsize(absl::string_view text, std::size_t width, EllipsisAt where);

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_TERMINAL_TEXT_H_
