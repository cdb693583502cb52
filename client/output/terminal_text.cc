#include "client/output/terminal_text.h"

#include <uniwidth.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/utf8.h"

namespace hss::client {
namespace {

// One decoded UTF-8 sequence.
struct CodePoint {
  char32_t value;
  std::size_t length;
};

// Decodes the UTF-8 sequence at the start of `text` (common/utf8.h); nullopt
// if it is not a valid, shortest-form encoding of a Unicode scalar value.
std::optional<CodePoint> DecodeUtf8(absl::string_view text) {
  const hss::Utf8Char ch = hss::DecodeUtf8(text, 0);
  if (ch.length == 0) return std::nullopt;
  return CodePoint{ch.code_point, ch.length};
}

// The columns code point `c` takes, from libunistring's tables. With a non-CJK
// encoding, East Asian ambiguous characters are narrow. Control characters
// (uc_width -1), which EscapeForTerminal never leaves, count 0.
std::size_t CodePointWidth(char32_t c) {
  const int width = uc_width(c, "UTF-8");
  return width > 0 ? static_cast<std::size_t>(width) : 0;
}

// What a terminal draws in one place: a code point with the zero-width code
// points (combining marks, joiners) after it, or one invalid byte.
struct Glyph {
  // Byte offsets in the text: [begin, end).
  std::size_t begin;
  std::size_t end;
  // Display columns.
  std::size_t width;
};

std::vector<Glyph> Glyphs(absl::string_view text) {
  std::vector<Glyph> glyphs;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::optional<CodePoint> cp = DecodeUtf8(text.substr(pos));
    const std::size_t length = cp ? cp->length : 1;
    const std::size_t width = cp ? CodePointWidth(cp->value) : 1;
    if (width == 0 && !glyphs.empty()) {
      glyphs.back().end = pos + length;
    } else {
      glyphs.push_back({pos, pos + length, width});
    }
    pos += length;
  }
  return glyphs;
}

// Where a run of whole glyphs starts or ends, and its display width.
struct Cut {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t width = 0;
};

// The longest run of glyphs from the start no wider than `width`.
Cut Prefix(const std::vector<Glyph>& glyphs, std::size_t width) {
  Cut cut;
  for (const Glyph& glyph : glyphs) {
    if (cut.width + glyph.width > width) break;
    cut.width += glyph.width;
    cut.end = glyph.end;
  }
  return cut;
}

// The longest run of glyphs up to the end no wider than `width`.
Cut Suffix(const std::vector<Glyph>& glyphs, std::size_t width) {
  Cut cut;
  cut.begin = glyphs.empty() ? 0 : glyphs.back().end;
  cut.end = cut.begin;
  for (auto it = glyphs.rbegin(); it != glyphs.rend(); ++it) {
    if (cut.width + it->width > width) break;
    cut.width += it->width;
    cut.begin = it->begin;
  }
  return cut;
}

constexpr absl::string_view kEllipsis = "\u2026";  // "…", one column.

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
    width += CodePointWidth(cp->value);
    text.remove_prefix(cp->length);
  }
  return width;
}

std::string Ellipsize(absl::string_view text, std::size_t width, EllipsisAt where) {
  const std::vector<Glyph> glyphs = Glyphs(text);
  std::size_t total = 0;
  for (const Glyph& glyph : glyphs) total += glyph.width;
  if (total <= width) return std::string(text);
  if (width == 0) return "";
  const std::size_t budget = width - 1;  // The rest is the ellipsis's.
  switch (where) {
    case EllipsisAt::kEnd:
      return absl::StrCat(text.substr(0, Prefix(glyphs, budget).end), kEllipsis);
    case EllipsisAt::kMiddle: {
      const Cut head = Prefix(glyphs, (budget + 1) / 2);
      const Cut tail = Suffix(glyphs, budget - head.width);
      return absl::StrCat(text.substr(0, head.end), kEllipsis, text.substr(tail.begin));
    }
    case EllipsisAt::kPath: {
      const std::size_t slash = text.find_last_of("/\\");  // Unix or Windows.
      if (slash != absl::string_view::npos) {
        const absl::string_view file = text.substr(slash);  // "/sshd".
        const std::size_t file_width = DisplayWidth(file);
        if (file_width <= budget) {
          // The start is narrower than the text before the slash (the text
          // does not fit), so it ends before the slash.
          const Cut head = Prefix(glyphs, budget - file_width);
          return absl::StrCat(text.substr(0, head.end), kEllipsis, file);
        }
      }
      return absl::StrCat(kEllipsis, text.substr(Suffix(glyphs, budget).begin));
    }
  }
  return std::string(text);
}

}  // namespace hss::client
