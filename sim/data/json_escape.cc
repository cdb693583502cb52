#include "sim/data/json_escape.h"

#include <cstddef>

#include "common/utf8.h"

namespace hss::sim {

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
      const size_t n = hss::DecodeUtf8(value, i).length;
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
