#include "server/rest/port_json_mapper.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::hss::ports::v1::Port;
using ::hss::ports::v1::PortStatus;
using ::hss::ports::v1::Protocol;

// Iterative parsing keeps deeply nested garbage from exhausting the stack.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag;

// Per-thread buffer for the DOM: a 200-record page fits.
constexpr std::size_t kValueBufferBytes = 256 * 1024;
constexpr std::size_t kParseStackBytes = 1024;

using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                            rapidjson::CrtAllocator>;
using Value = Document::ValueType;

// True if `s` is valid UTF-8 (RFC 3629: no overlong forms, surrogates, such as
// a lone "\udc00" escape decodes to, or values above U+10FFFF). Protobuf
// string fields must hold valid UTF-8 or the caller cannot parse the answer.
bool IsValidUtf8(const char* data, std::size_t size) {
  const auto* s = reinterpret_cast<const unsigned char*>(data);
  std::size_t i = 0;
  while (i < size) {
    // Fast path: eight ASCII bytes at a time.
    if (size - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s + i, sizeof(word));
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (size - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return false;
    if (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return false;
    i += length;
  }
  return true;
}

absl::string_view View(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

absl::string_view JsonTypeName(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "an unknown value";
}

Protocol ParseProtocol(absl::string_view text) {
  if (absl::EqualsIgnoreCase(text, "TCP")) return hss::ports::v1::PROTOCOL_TCP;
  if (absl::EqualsIgnoreCase(text, "UDP")) return hss::ports::v1::PROTOCOL_UDP;
  return hss::ports::v1::PROTOCOL_UNSPECIFIED;
}

// Maps the fields of one record object, dropping and counting invalid values.
class RecordMapper {
 public:
  explicit RecordMapper(int& skipped) : skipped_(skipped) {}

  void Map(const Value& record, Port& port) {
    for (auto m = record.MemberBegin(); m != record.MemberEnd(); ++m) {
      const Value& v = m->value;
      if (v.IsNull()) continue;
      const absl::string_view key = View(m->name);
      if (key == "host_id") {
        String(v, port.mutable_host_id());
      } else if (key == "laddr") {
        String(v, port.mutable_laddr());
      } else if (key == "status") {
        if (String(v, port.mutable_status_text())) {
          port.set_status(ParsePortStatus(port.status_text()));
        }
      } else if (key == "port") {
        if (v.IsInt() && v.GetInt() >= 0 && v.GetInt() <= 65535) {
          port.set_port(v.GetInt());
        } else {
          ++skipped_;
        }
      } else if (key == "type") {
        if (v.IsString()) {
          port.set_type(ParseProtocol(View(v)));
        } else {
          ++skipped_;
        }
      } else if (key == "pid") {
        if (v.IsInt() && v.GetInt() >= 0) {
          port.set_pid(v.GetInt());
        } else {
          ++skipped_;
        }
      } else if (key == "path") {
        String(v, port.mutable_path());
      } else if (key == "agent_id") {
        String(v, port.mutable_agent_id());
      } else if (key == "container_id") {
        String(v, port.mutable_container_id());
      }
    }
  }

 private:
  // Copies a string value into `out`; returns false (and counts it) otherwise.
  bool String(const Value& v, std::string* out) {
    if (!v.IsString() || !IsValidUtf8(v.GetString(), v.GetStringLength())) {
      ++skipped_;
      return false;
    }
    out->assign(v.GetString(), v.GetStringLength());
    return true;
  }

  int& skipped_;
};

}  // namespace

PortStatus ParsePortStatus(absl::string_view text) {
  if (absl::EqualsIgnoreCase(text, "normal")) return hss::ports::v1::PORT_STATUS_NORMAL;
  if (absl::EqualsIgnoreCase(text, "danger")) return hss::ports::v1::PORT_STATUS_DANGER;
  if (absl::EqualsIgnoreCase(text, "unknown") || absl::EqualsIgnoreCase(text, "unknow")) {
    return hss::ports::v1::PORT_STATUS_UNKNOWN;
  }
  return hss::ports::v1::PORT_STATUS_UNSPECIFIED;
}

absl::StatusOr<MappedPage> MapListPortsBody(absl::string_view body) {
  return MapListPortsBody(std::string(body));
}

absl::StatusOr<MappedPage> MapListPortsBody(std::string body) {
  // JSON never holds a raw NUL; rejecting it up front also keeps the in-situ
  // parse below (which stops at the first NUL) from accepting a truncated body.
  if (const auto nul = body.find('\0'); nul != std::string::npos) {
    return MakeError(absl::StatusCode::kInternal,
                     absl::StrCat("HSS answered with a body that is not valid JSON: a NUL byte "
                                  "(at byte ",
                                  nul, " of ", body.size(), ")"),
                     "UPSTREAM_MALFORMED_RESPONSE");
  }
  // Parsing in situ decodes strings in place instead of copying each into the
  // DOM; std::string's buffer is mutable and NUL-terminated.
  char* text = body.data();
  // The DOM of a 200-port page fits this thread's buffer, so parsing
  // allocates nothing; larger documents spill into heap chunks.
  thread_local std::unique_ptr<char[]> value_buffer(new char[kValueBufferBytes]);
  rapidjson::MemoryPoolAllocator<> value_allocator(value_buffer.get(), kValueBufferBytes);
  Document doc(&value_allocator, kParseStackBytes);
  doc.ParseInsitu<kParseFlags>(text);
  if (doc.HasParseError()) {
    return MakeError(absl::StatusCode::kInternal,
                     absl::StrCat("HSS answered with a body that is not valid JSON: ",
                                  rapidjson::GetParseError_En(doc.GetParseError()), " (at byte ",
                                  doc.GetErrorOffset(), " of ", body.size(), ")"),
                     "UPSTREAM_MALFORMED_RESPONSE");
  }
  if (!doc.IsObject()) {
    return MakeError(
        absl::StatusCode::kInternal,
        absl::StrCat("HSS answered with JSON that is not an object: got ", JsonTypeName(doc)),
        "UPSTREAM_MALFORMED_RESPONSE");
  }

  MappedPage page;
  auto& response = page.response;
  RecordMapper mapper(page.skipped_values);
  const Value& root = doc;
  for (auto m = root.MemberBegin(); m != root.MemberEnd(); ++m) {
    const Value& v = m->value;
    if (v.IsNull()) continue;
    const absl::string_view key = View(m->name);
    if (key == "total_num") {
      response.clear_total_num();  // A repeated key: the last one wins.
      page.has_total_num = false;
      if (v.IsInt() && v.GetInt() >= 0) {
        response.set_total_num(v.GetInt());
        page.has_total_num = true;
      } else {
        ++page.skipped_values;
      }
    } else if (key == "data_list") {
      if (!v.IsArray()) {
        ++page.skipped_values;
        continue;
      }
      response.clear_data_list();  // A repeated key: the last one wins.
      response.mutable_data_list()->Reserve(static_cast<int>(v.Size()));
      for (const Value& record : v.GetArray()) {
        if (!record.IsObject()) {
          ++page.skipped_values;
          continue;
        }
        mapper.Map(record, *response.add_data_list());
      }
    }
  }
  return page;
}

}  // namespace hss::gateway
