#include "client/terminal_text.h"

#include <cstdint>
#include <optional>

#include "absl/strings/str_format.h"

namespace hss::client {
namespace {

// One decoded UTF-8 sequence.
struct CodePoint {
  char32_t value;
  std::size_t length;
};

// Decodes the UTF-8 sequence at the start of `text`; nullopt if it is not a
// valid, shortest-form encoding of a Unicode scalar value.
std::optional<CodePoint> DecodeUtf8(absl::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return CodePoint{lead, 1};
  std::size_t length;
  char32_t value;
  char32_t min_value;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
    min_value = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
    min_value = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
    min_value = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  if (value < min_value || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return std::nullopt;
  }
  return CodePoint{value, length};
}

bool IsBidiControl(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
         c == 0x200F || c == 0x061C;
}

bool IsZeroWidth(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x0483 && c <= 0x0489) ||
         (c >= 0x0591 && c <= 0x05BD) || (c >= 0x0610 && c <= 0x061A) ||
         (c >= 0x064B && c <= 0x065F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x200B && c <= 0x200D) ||
         (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
         (c >= 0xFE20 && c <= 0xFE2F) || c == 0xFEFF || (c >= 0xE0100 && c <= 0xE01EF);
}

bool IsWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || c == 0x2329 || c == 0x232A ||
         (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE10 && c <= 0xFE19) ||
         (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF60) ||
         (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x2FFFD) ||
         (c >= 0x30000 && c <= 0x3FFFD);
}

}  // namespace

std::string EscapeForTerminal(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::optional<CodePoint> cp = DecodeUtf8(text);
    if (!cp) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<std::uint8_t>(text[0]));
      text.remove_prefix(1);
      continue;
    }
    const char32_t c = cp->value;
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\x%02X", static_cast<std::uint32_t>(c));
    } else if ((c >= 0x80 && c <= 0x9F) || IsBidiControl(c)) {
      absl::StrAppendFormat(&out, "\\u%04X", static_cast<std::uint32_t>(c));
    } else {
      out.append(text.data(), cp->length);
    }
    text.remove_prefix(cp->length);
  }
  return out;
}

std::size_t DisplayWidth(absl::string_view text) {
  std::size_t width = 0;
  while (!text.empty()) {
    const std::optional<CodePoint> cp = DecodeUtf8(text);
    if (!cp) {
      ++width;  // A terminal shows an invalid byte as one replacement character.
      text.remove_prefix(1);
      continue;
    }
    if (IsWide(cp->value)) {
      width += 2;
    } else if (!IsZeroWidth(cp->value)) {
      width += 1;
    }
    text.remove_prefix(cp->length);
  }
  return width;
}

}  // namespace hss::client
