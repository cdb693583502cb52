#include "sim/json_escape.h"

#include <cstddef>

namespace hss::sim {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto at = [&](size_t k) -> unsigned char {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  const unsigned char c = at(0);
  if (c >= 0xc2 && c <= 0xdf) return IsContinuation(at(1)) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const unsigned char c1 = at(1);
    const bool ok1 = c == 0xe0   ? (c1 >= 0xa0 && c1 <= 0xbf)
                     : c == 0xed ? (c1 >= 0x80 && c1 <= 0x9f)
                                 : IsContinuation(c1);
    return ok1 && IsContinuation(at(2)) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const unsigned char c1 = at(1);
    const bool ok1 = c == 0xf0   ? (c1 >= 0x90 && c1 <= 0xbf)
                     : c == 0xf4 ? (c1 >= 0x80 && c1 <= 0x8f)
                                 : IsContinuation(c1);
    return ok1 && IsContinuation(at(2)) && IsContinuation(at(3)) ? 4 : 0;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string_view value, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;
  size_t i = 0;
  const auto flush = [&](size_t end) { out.append(value.data() + run_start, end - run_start); };
  while (i < value.size()) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(value, i);
      if (n > 0) {
        i += n;
        continue;
      }
      flush(i);
      out.append("\\ufffd");
      run_start = ++i;
      continue;
    }
    flush(i);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
    run_start = ++i;
  }
  flush(value.size());
  out.push_back('"');
}

std::string JsonString(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  AppendJsonString(value, out);
  return out;
}

}  // namespace hss::sim
