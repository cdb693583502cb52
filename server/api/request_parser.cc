#include "server/api/request_parser.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "google/protobuf/descriptor.h"
#include "google/rpc/error_details.pb.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

constexpr int kMaxDepth = 32;
constexpr uint32_t kMaxFieldNumber = (1u << 29) - 1;

enum WireType : int {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

const char* WireTypeName(int wire_type) {
  switch (wire_type) {
    case kVarint:
      return "varint";
    case kFixed64:
      return "64-bit";
    case kLengthDelimited:
      return "length-delimited";
    case kStartGroup:
      return "start-group";
    case kEndGroup:
      return "end-group";
    case kFixed32:
      return "32-bit";
    default:
      return "invalid";
  }
}

// The wire type a field of `field`'s type is written with (not packed).
int DeclaredWireType(const FieldDescriptor& field) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_DOUBLE:
      return kFixed64;
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_FLOAT:
      return kFixed32;
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
    case FieldDescriptor::TYPE_MESSAGE:
      return kLengthDelimited;
    case FieldDescriptor::TYPE_GROUP:
      return kStartGroup;
    default:
      return kVarint;
  }
}

// What was wrong, and with which field ("" when no field is to blame).
struct Problem {
  std::string field;
  std::string description;
};

// Reads protobuf wire format from a byte range, never past its end.
class WireReader {
 public:
  explicit WireReader(absl::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ == bytes_.size(); }
  size_t position() const { return pos_; }

  bool ReadVarint(uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const auto byte = static_cast<uint8_t>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;  // Cut short, or longer than 10 bytes.
  }
  bool Skip(uint64_t count) {
    if (count > bytes_.size() - pos_) return false;
    pos_ += count;
    return true;
  }
  bool ReadBytes(uint64_t count, absl::string_view& out) {
    if (count > bytes_.size() - pos_) return false;
    out = bytes_.substr(pos_, count);
    pos_ += count;
    return true;
  }

 private:
  absl::string_view bytes_;
  size_t pos_ = 0;
};

std::string FieldPath(const std::string& prefix, const FieldDescriptor& field) {
  return prefix.empty() ? field.name() : absl::StrCat(prefix, ".", field.name());
}

bool CheckMessage(absl::string_view bytes, const Descriptor& descriptor, const std::string& prefix,
                  int depth, Problem& problem);

// Skips the rest of a group started with `field_number` (unknown fields only).
bool SkipGroup(WireReader& in, uint32_t field_number, int depth, Problem& problem) {
  if (depth > kMaxDepth) {
    problem.description = absl::StrCat("nested more than ", kMaxDepth, " levels deep");
    return false;
  }
  for (;;) {
    uint64_t tag = 0;
    if (!in.ReadVarint(tag)) {
      problem.description = "ends inside a group";
      return false;
    }
    const int wire_type = static_cast<int>(tag & 7);
    const auto number = static_cast<uint32_t>(tag >> 3);
    if (wire_type == kEndGroup) {
      if (number == field_number) return true;
      problem.description = absl::StrCat("group ", field_number, " ends with field ", number);
      return false;
    }
    uint64_t skipped = 0;
    absl::string_view unused;
    bool ok = false;
    switch (wire_type) {
      case kVarint:
        ok = in.ReadVarint(skipped);
        break;
      case kFixed64:
        ok = in.Skip(8);
        break;
      case kFixed32:
        ok = in.Skip(4);
        break;
      case kLengthDelimited:
        ok = in.ReadVarint(skipped) && in.ReadBytes(skipped, unused);
        break;
      case kStartGroup:
        ok = SkipGroup(in, number, depth + 1, problem);
        if (!ok) return false;
        break;
      default:
        break;
    }
    if (!ok) {
      problem.description = "ends inside a group";
      return false;
    }
  }
}

// Checks one (known or unknown) field whose tag has been read.
bool CheckField(WireReader& in, const Descriptor& descriptor, uint32_t number, int wire_type,
                const std::string& prefix, int depth, Problem& problem) {
  const FieldDescriptor* field = descriptor.FindFieldByNumber(static_cast<int>(number));
  const std::string name = field ? FieldPath(prefix, *field) : "";
  auto fail = [&](std::string description) {
    problem.field = name;
    problem.description = field ? absl::StrCat("field ", name, " (", number, ") ", description)
                                : absl::StrCat("field number ", number, " ", description);
    return false;
  };
  if (field != nullptr) {
    const int declared = DeclaredWireType(*field);
    const bool packed =
        field->is_repeated() && field->is_packable() && wire_type == kLengthDelimited;
    if (wire_type != declared && !packed) {
      return fail(absl::StrCat("has wire type ", WireTypeName(wire_type), ", declared ",
                               WireTypeName(declared)));
    }
  }
  uint64_t value = 0;
  absl::string_view payload;
  switch (wire_type) {
    case kVarint:
      if (!in.ReadVarint(value)) return fail("has a varint that is cut short or too long");
      return true;
    case kFixed64:
      if (!in.Skip(8)) return fail("is cut short");
      return true;
    case kFixed32:
      if (!in.Skip(4)) return fail("is cut short");
      return true;
    case kStartGroup:
      if (!SkipGroup(in, number, depth + 1, problem)) {
        problem.field = name;
        return false;
      }
      return true;
    case kLengthDelimited:
      break;
    default:
      return fail(absl::StrCat("has wire type ", wire_type, ", which does not exist"));
  }
  if (!in.ReadVarint(value)) return fail("has a length that is cut short");
  if (!in.ReadBytes(value, payload)) {
    return fail(absl::StrCat("says ", value, " bytes follow, but the message ends first"));
  }
  if (field == nullptr) return true;
  // protobuf refuses a proto3 string that is not UTF-8; say which one, and where.
  if (field->type() == FieldDescriptor::TYPE_STRING &&
      field->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3) {
    for (size_t i = 0; i < payload.size();) {
      const Utf8Char c = DecodeUtf8(payload, i);
      if (c.length == 0) {
        return fail(absl::StrCat("is not valid UTF-8 (byte ", i,
                                 " of its value starts an "
                                 "invalid sequence); send text as UTF-8"));
      }
      i += c.length;
    }
    return true;
  }
  if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
    return CheckMessage(payload, *field->message_type(), name, depth + 1, problem);
  }
  return true;
}

bool CheckMessage(absl::string_view bytes, const Descriptor& descriptor, const std::string& prefix,
                  int depth, Problem& problem) {
  if (depth > kMaxDepth) {
    problem.field = prefix;
    problem.description = absl::StrCat("nested more than ", kMaxDepth, " levels deep");
    return false;
  }
  WireReader in(bytes);
  while (!in.done()) {
    const size_t at = in.position();
    uint64_t tag = 0;
    if (!in.ReadVarint(tag)) {
      problem.field = prefix;
      problem.description = absl::StrCat("has a field tag at byte ", at, " that is cut short");
      return false;
    }
    const int wire_type = static_cast<int>(tag & 7);
    const uint64_t number = tag >> 3;
    if (number == 0 || number > kMaxFieldNumber) {
      problem.field = prefix;
      problem.description = absl::StrCat("has field number ", number, " at byte ", at,
                                         ", outside 1-", kMaxFieldNumber);
      return false;
    }
    if (wire_type == kEndGroup) {
      problem.field = prefix;
      problem.description = absl::StrCat("has a group end at byte ", at, " with no group open");
      return false;
    }
    if (!CheckField(in, descriptor, static_cast<uint32_t>(number), wire_type, prefix, depth,
                    problem)) {
      return false;
    }
  }
  return true;
}

absl::Status Malformed(const Descriptor& descriptor, const Problem& problem) {
  const std::string message =
      absl::StrCat("malformed ", descriptor.full_name(), ": ", problem.description);
  absl::Status status = MakeError(absl::StatusCode::kInvalidArgument, message, "INVALID_REQUEST");
  google::rpc::BadRequest::FieldViolation violation;
  violation.set_field(problem.field);
  violation.set_description(problem.description);
  SetFieldViolations(status, {violation});
  return status;
}

}  // namespace

absl::Status ParseRequest(absl::string_view bytes, google::protobuf::Message& out) {
  const Descriptor& descriptor = *out.GetDescriptor();
  Problem problem;
  if (!CheckMessage(bytes, descriptor, "", 0, problem)) return Malformed(descriptor, problem);
  if (!out.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Malformed(descriptor, {"", "the bytes do not parse as this message"});
  }
  return absl::OkStatus();
}

absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& out) {
  std::vector<grpc::Slice> slices;
  if (!bytes.Dump(&slices).ok()) {
    return Malformed(*out.GetDescriptor(), {"", "the request bytes cannot be read"});
  }
  std::string joined;
  joined.reserve(bytes.Length());
  for (const grpc::Slice& slice : slices) {
    joined.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return ParseRequest(joined, out);
}

}  // namespace hss::gateway
