#include "server/rest/port_json_mapper.h"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/port_enum_words.h"
#include "common/utf8.h"
#include "rapidjson/error/en.h"
#include "rapidjson/reader.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::hss::ports::v1::Port;
using ::hss::ports::v1::PortStatus;
using ::hss::ports::v1::Protocol;

// Iterative parsing keeps deeply nested garbage from exhausting the stack; in
// situ parsing decodes strings in the body's own buffer instead of copying.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseInsituFlag;

// Reserved up front for the ports: the upstream's largest page fits.
constexpr int kReservedPorts = 200;

Protocol ParseProtocol(absl::string_view text) {
  return hss::ProtocolFromWord(text).value_or(hss::ports::v1::PROTOCOL_UNSPECIFIED);
}

// Where the next value goes.
enum class Slot {
  kRoot,      // The top-level value.
  kIgnored,   // An unknown field (or anything outside the known shape).
  kTotalNum,  // Top-level "total_num".
  kDataList,  // Top-level "data_list".
  kRecord,    // An element of "data_list".
  kHostId,    // The fields of a record.
  kLaddr,
  kStatus,
  kPort,
  kType,
  kPid,
  kPath,
  kAgentId,
  kContainerId,
};

Slot TopLevelSlot(absl::string_view key) {
  if (key == "total_num") return Slot::kTotalNum;
  if (key == "data_list") return Slot::kDataList;
  return Slot::kIgnored;
}

Slot RecordSlot(absl::string_view key) {
  if (key == "host_id") return Slot::kHostId;
  if (key == "laddr") return Slot::kLaddr;
  if (key == "status") return Slot::kStatus;
  if (key == "port") return Slot::kPort;
  if (key == "type") return Slot::kType;
  if (key == "pid") return Slot::kPid;
  if (key == "path") return Slot::kPath;
  if (key == "agent_id") return Slot::kAgentId;
  if (key == "container_id") return Slot::kContainerId;
  return Slot::kIgnored;
}

// One JSON value that is not an array or object.
struct Scalar {
  enum class Kind { kNull, kBool, kInt, kOtherNumber, kString };
  Kind kind;
  // For kInt: a number that fits in a 32-bit int, as RapidJSON's IsInt().
  int int_value = 0;
  // For kString: the decoded bytes (may hold NULs).
  absl::string_view text;
};

absl::string_view ScalarTypeName(Scalar::Kind kind) {
  switch (kind) {
    case Scalar::Kind::kNull:
      return "null";
    case Scalar::Kind::kBool:
      return "a boolean";
    case Scalar::Kind::kInt:
    case Scalar::Kind::kOtherNumber:
      return "a number";
    case Scalar::Kind::kString:
      return "a string";
  }
  return "an unknown value";
}

// RapidJSON SAX handler that maps the body straight into a MappedPage.
//
// The shape it maps is fixed: level 1 is the top-level object, level 2 the
// `data_list` array, level 3 a record. Any other array or object is skipped
// whole (only its depth is tracked), as are records past the cap. Everything
// is decided in the order the members come, which is the order a DOM walk
// would see them: repeated keys behave the same.
class PageHandler {
 public:
  PageHandler(MappedPage& page, int max_records)
      : page_(page), response_(page.response), max_records_(std::max(max_records, 0)) {}

  // True if parsing stopped because the body nests deeper than kMaxJsonDepth.
  bool too_deep() const { return too_deep_; }
  // The JSON type of the top-level value, if it is not an object; else "".
  absl::string_view root_type() const { return root_type_; }

  bool Null() { return OnScalar({Scalar::Kind::kNull}); }
  bool Bool(bool) { return OnScalar({Scalar::Kind::kBool}); }
  bool Int(int i) { return OnScalar({Scalar::Kind::kInt, i}); }
  bool Uint(unsigned u) {
    if (u > static_cast<unsigned>(INT_MAX)) return OnScalar({Scalar::Kind::kOtherNumber});
    return OnScalar({Scalar::Kind::kInt, static_cast<int>(u)});
  }
  // RapidJSON reports numbers that fit 32 bits through Int() and Uint() only.
  bool Int64(std::int64_t) { return OnScalar({Scalar::Kind::kOtherNumber}); }
  bool Uint64(std::uint64_t) { return OnScalar({Scalar::Kind::kOtherNumber}); }
  bool Double(double) { return OnScalar({Scalar::Kind::kOtherNumber}); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) {
    return OnScalar({Scalar::Kind::kOtherNumber});
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    return OnScalar({Scalar::Kind::kString, 0, absl::string_view(str, length)});
  }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    if (skip_from_ != 0) return true;
    const absl::string_view key(str, length);
    slot_ = depth_ == 1 ? TopLevelSlot(key) : RecordSlot(key);
    return true;
  }

  bool StartObject() { return OnStart(/*is_object=*/true); }
  bool StartArray() { return OnStart(/*is_object=*/false); }
  bool EndObject(rapidjson::SizeType) { return OnEnd(); }
  bool EndArray(rapidjson::SizeType) { return OnEnd(); }

 private:
  // The slot of the next value once a value at the current depth is complete.
  Slot NextSlot() const { return depth_ == 2 ? Slot::kRecord : Slot::kIgnored; }

  // Skips the container just opened (at the current depth) with all it holds.
  void SkipContainer() { skip_from_ = depth_; }

  bool OnStart(bool is_object) {
    if (++depth_ > kMaxJsonDepth) {
      too_deep_ = true;
      return false;  // Stops the parse.
    }
    if (skip_from_ != 0) return true;
    switch (slot_) {
      case Slot::kRoot:
        if (is_object) {
          slot_ = Slot::kIgnored;  // Set by each key.
        } else {
          root_type_ = "an array";
          SkipContainer();
        }
        return true;
      case Slot::kDataList:
        if (is_object) {
          ++page_.skipped_values;
          SkipContainer();
          return true;
        }
        response_.clear_data_list();  // A repeated key: the last one wins.
        page_.dropped_records = 0;
        slot_ = Slot::kRecord;
        return true;
      case Slot::kRecord:
        if (!is_object) {
          ++page_.skipped_values;
          SkipContainer();
        } else if (response_.data_list_size() >= max_records_) {
          ++page_.dropped_records;
          SkipContainer();
        } else {
          port_ = response_.add_data_list();
          slot_ = Slot::kIgnored;  // Set by each key.
        }
        return true;
      case Slot::kIgnored:
        SkipContainer();
        return true;
      case Slot::kTotalNum:
        ClearTotalNum();
        ++page_.skipped_values;
        SkipContainer();
        return true;
      default:  // A record field.
        ++page_.skipped_values;
        SkipContainer();
        return true;
    }
  }

  bool OnEnd() {
    --depth_;
    if (skip_from_ != 0) {
      if (depth_ >= skip_from_) return true;
      skip_from_ = 0;
    }
    slot_ = NextSlot();
    return true;
  }

  bool OnScalar(const Scalar& v) {
    if (skip_from_ != 0) return true;
    switch (slot_) {
      case Slot::kRoot:
        root_type_ = ScalarTypeName(v.kind);
        break;
      case Slot::kIgnored:
        break;
      case Slot::kTotalNum:
        if (v.kind == Scalar::Kind::kNull) break;
        ClearTotalNum();
        if (v.kind == Scalar::Kind::kInt && v.int_value >= 0) {
          response_.set_total_num(v.int_value);
          page_.has_total_num = true;
        } else {
          ++page_.skipped_values;
        }
        break;
      case Slot::kDataList:
        if (v.kind != Scalar::Kind::kNull) ++page_.skipped_values;
        break;
      case Slot::kRecord:
        ++page_.skipped_values;  // Not an object, null included.
        break;
      default:
        if (v.kind != Scalar::Kind::kNull) Field(v);
        break;
    }
    slot_ = NextSlot();
    return true;
  }

  // A repeated key: the last one wins.
  void ClearTotalNum() {
    response_.clear_total_num();
    page_.has_total_num = false;
  }

  // Maps a non-null value of the record field `slot_`.
  void Field(const Scalar& v) {
    Port& port = *port_;
    switch (slot_) {
      case Slot::kHostId:
        String(v, port.mutable_host_id());
        break;
      case Slot::kLaddr:
        String(v, port.mutable_laddr());
        break;
      case Slot::kStatus:
        if (String(v, port.mutable_status_text())) {
          port.set_status(ParsePortStatus(port.status_text()));
        }
        break;
      case Slot::kPort:
        if (v.kind == Scalar::Kind::kInt && v.int_value >= 0 && v.int_value <= 65535) {
          port.set_port(v.int_value);
        } else {
          ++page_.skipped_values;
        }
        break;
      case Slot::kType:
        if (v.kind == Scalar::Kind::kString) {
          port.set_type(ParseProtocol(v.text));
        } else {
          ++page_.skipped_values;
        }
        break;
      case Slot::kPid:
        if (v.kind == Scalar::Kind::kInt && v.int_value >= 0) {
          port.set_pid(v.int_value);
        } else {
          ++page_.skipped_values;
        }
        break;
      case Slot::kPath:
        String(v, port.mutable_path());
        break;
      case Slot::kAgentId:
        String(v, port.mutable_agent_id());
        break;
      case Slot::kContainerId:
        String(v, port.mutable_container_id());
        break;
      default:
        break;
    }
  }

  // Copies a string value into `out`; returns false (and counts it) otherwise.
  bool String(const Scalar& v, std::string* out) {
    if (v.kind != Scalar::Kind::kString ||
        !hss::IsValidUtf8(std::string_view(v.text.data(), v.text.size()))) {
      ++page_.skipped_values;
      return false;
    }
    out->assign(v.text.data(), v.text.size());
    return true;
  }

  MappedPage& page_;
  hss::ports::v1::ListPortsResponse& response_;
  const int max_records_;
  Slot slot_ = Slot::kRoot;
  // Nesting level of the innermost open array or object (0: none).
  int depth_ = 0;
  // While non-zero, the level of the container being skipped.
  int skip_from_ = 0;
  // The record being mapped (valid while in a record).
  Port* port_ = nullptr;
  bool too_deep_ = false;
  absl::string_view root_type_;
};

}  // namespace

PortStatus ParsePortStatus(absl::string_view text) {
  // The live API spells it "unknow".
  if (absl::EqualsIgnoreCase(text, "unknow")) return hss::ports::v1::PORT_STATUS_UNKNOWN;
  return hss::PortStatusFromWord(text).value_or(hss::ports::v1::PORT_STATUS_UNSPECIFIED);
}

absl::StatusOr<MappedPage> MapListPortsBody(absl::string_view body, int max_records) {
  return MapListPortsBody(std::string(body), max_records);
}

absl::StatusOr<MappedPage> MapListPortsBody(std::string body, int max_records) {
  // JSON never holds a raw NUL; rejecting it up front also keeps the in-situ
  // parse below (which stops at the first NUL) from accepting a truncated body.
  if (const auto nul = body.find('\0'); nul != std::string::npos) {
    return MakeError(absl::StatusCode::kInternal,
                     absl::StrCat("HSS answered with a body that is not valid JSON: a NUL byte "
                                  "(at byte ",
                                  nul, " of ", body.size(), ")"),
                     kReasonUpstreamMalformedResponse);
  }
  MappedPage page;
  page.response.mutable_data_list()->Reserve(std::clamp(max_records, 0, kReservedPorts));
  PageHandler handler(page, max_records);
  // std::string's buffer is mutable and NUL-terminated, as in-situ parsing
  // needs.
  rapidjson::InsituStringStream stream(body.data());
  rapidjson::Reader reader;
  reader.Parse<kParseFlags>(stream, handler);
  if (handler.too_deep()) {
    return MakeError(absl::StatusCode::kInternal,
                     absl::StrCat("HSS answered with JSON nested deeper than ", kMaxJsonDepth,
                                  " levels (at byte ", reader.GetErrorOffset(), " of ", body.size(),
                                  "); no HSS answer nests so deep"),
                     kReasonUpstreamMalformedResponse);
  }
  if (reader.HasParseError()) {
    return MakeError(absl::StatusCode::kInternal,
                     absl::StrCat("HSS answered with a body that is not valid JSON: ",
                                  rapidjson::GetParseError_En(reader.GetParseErrorCode()),
                                  " (at byte ", reader.GetErrorOffset(), " of ", body.size(), ")"),
                     kReasonUpstreamMalformedResponse);
  }
  if (!handler.root_type().empty()) {
    return MakeError(
        absl::StatusCode::kInternal,
        absl::StrCat("HSS answered with JSON that is not an object: got ", handler.root_type()),
        kReasonUpstreamMalformedResponse);
  }
  return page;
}

}  // namespace hss::gateway
