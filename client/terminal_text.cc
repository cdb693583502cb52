#include "client/terminal_text.h"

#include <uniwidth.h>

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
    // uc_width: libunistring's Unicode width tables. With a non-CJK encoding,
    // East Asian ambiguous characters are narrow. Control characters (-1),
    // which EscapeForTerminal never leaves, count 0.
    const int code_point_width = uc_width(cp->value, "UTF-8");
    if (code_point_width > 0) width += static_cast<std::size_t>(code_point_width);
    text.remove_prefix(cp->length);
  }
  return width;
}

}  // namespace hss::client
