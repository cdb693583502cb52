#include "common/utf8.h"

#include <cstdint>
#include <cstring>

namespace hss {
namespace {

// The bytes a sequence led by `lead` takes, and the range its second byte
// must fall in (the rest are 0x80-0xBF); 0 for a byte that leads nothing.
struct Lead {
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
};

Lead LeadOf(unsigned char c) {
  if (c < 0x80) return {1};
  if (c >= 0xC2 && c <= 0xDF) return {2};
  if (c >= 0xE0 && c <= 0xEF) {
    // E0: overlong below A0; ED: surrogates from A0.
    return {3, static_cast<unsigned char>(c == 0xE0 ? 0xA0 : 0x80),
            static_cast<unsigned char>(c == 0xED ? 0x9F : 0xBF)};
  }
  if (c >= 0xF0 && c <= 0xF4) {
    // F0: overlong below 90; F4: above U+10FFFF from 90.
    return {4, static_cast<unsigned char>(c == 0xF0 ? 0x90 : 0x80),
            static_cast<unsigned char>(c == 0xF4 ? 0x8F : 0xBF)};
  }
  return {};  // A continuation byte, C0/C1 (overlong) or F5-FF.
}

// How many bytes from `s[i]` match the sequence `lead` announces (≥ 1).
std::size_t MatchingBytes(std::string_view s, std::size_t i, const Lead& lead) {
  std::size_t have = 1;
  while (have < lead.length && i + have < s.size()) {
    const auto b = static_cast<unsigned char>(s[i + have]);
    const unsigned char low = have == 1 ? lead.low : 0x80;
    const unsigned char high = have == 1 ? lead.high : 0xBF;
    if (b < low || b > high) break;
    ++have;
  }
  return have;
}

}  // namespace

Utf8Char DecodeUtf8(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const Lead lead = LeadOf(c);
  if (lead.length == 0) return {};
  if (lead.length == 1) return {1, c};
  if (MatchingBytes(s, i, lead) != lead.length) return {};
  static constexpr unsigned char kLeadMask[] = {0, 0, 0x1F, 0x0F, 0x07};
  char32_t cp = c & kLeadMask[lead.length];
  for (std::size_t k = 1; k < lead.length; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  return {lead.length, cp};
}

std::size_t InvalidUtf8Length(std::string_view s, std::size_t i) {
  const Lead lead = LeadOf(static_cast<unsigned char>(s[i]));
  if (lead.length <= 1) return 1;
  return MatchingBytes(s, i, lead);
}

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (s.size() - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof(word));
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const Utf8Char ch = DecodeUtf8(s, i);
    if (ch.length == 0) return false;
    i += ch.length;
  }
  return true;
}

}  // namespace hss
