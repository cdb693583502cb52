#ifndef HSS_COMMON_UTF8_H_
#define HSS_COMMON_UTF8_H_

// The project's one UTF-8 decoder (RFC 3629), shared by the gateway's
// validation, mapping and logging and by the simulator.

#include <cstddef>
#include <string_view>

namespace hss {

// One UTF-8 sequence decoded.
struct Utf8Char {
  // Bytes the sequence takes (1-4); 0 when it is invalid or truncated.
  std::size_t length = 0;
  // The code point; meaningful only when `length` > 0.
  char32_t code_point = 0;
};

// Decodes the sequence at `s[i]` (`i` < `s.size()`). Overlong forms,
// surrogates (U+D800-U+DFFF), values above U+10FFFF, stray continuation bytes
// and sequences cut short are invalid.
Utf8Char DecodeUtf8(std::string_view s, std::size_t i);

// For an invalid sequence at `s[i]`: how many bytes one U+FFFD replaces, by
// Unicode's "maximal subpart" practice (the lead byte and the continuation
// bytes that could still have followed it); at least 1.
std::size_t InvalidUtf8Length(std::string_view s, std::size_t i);

// True when all of `s` is valid UTF-8 (ASCII runs are checked eight bytes at
// a time).
bool IsValidUtf8(std::string_view s);

// The same for any contiguous string type (absl::string_view, std::string).
template <typename String>
requires requires(const String& s) {
  s.data();
  s.size();
}
Utf8Char DecodeUtf8(const String& s, std::size_t i) {
  return DecodeUtf8(std::string_view(s.data(), s.size()), i);
}
template <typename String>
requires requires(const String& s) {
  s.data();
  s.size();
}
std::size_t InvalidUtf8Length(const String& s, std::size_t i) {
  return InvalidUtf8Length(std::string_view(s.data(), s.size()), i);
}
template <typename String>
requires requires(const String& s) {
  s.data();
  s.size();
}
bool IsValidUtf8(const String& s) { return IsValidUtf8(std::string_view(s.data(), s.size())); }

}  // namespace hss

#endif  // HSS_COMMON_UTF8_H_
