#include "server/api/request_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hss/ports/v1/ports.pb.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::StreamPortsRequest;
using ::testing::HasSubstr;

// A tag: field `number`, wire type `wire_type`, as a varint.
std::string Tag(int number, int wire_type) {
  std::string out;
  for (uint32_t v = static_cast<uint32_t>(number) << 3 | wire_type;; v >>= 7) {
    if (v < 0x80) return out + static_cast<char>(v);
    out += static_cast<char>((v & 0x7f) | 0x80);
  }
}

// A length-delimited field (short payloads).
std::string Bytes(int number, const std::string& payload) {
  return Tag(number, 2) + std::string(1, static_cast<char>(payload.size())) + payload;
}

// The BadRequest field the error blames ("" if none).
std::string BlamedField(const absl::Status& status) {
  auto bad = GetBadRequest(status);
  return bad && bad->field_violations_size() == 1 ? bad->field_violations(0).field() : "<none>";
}

TEST(RequestParserTest, ParsesWhatProtobufSerializes) {
  ListPortsRequest in;
  in.set_project_id("p");
  in.set_host_id("höst-1");
  in.set_port(443);
  in.set_type(hss::ports::v1::PROTOCOL_TCP);
  in.set_limit(200);
  in.set_offset(1'000'000);
  ListPortsRequest out;
  ASSERT_TRUE(ParseRequest(in.SerializeAsString(), out).ok());
  EXPECT_EQ(out.SerializeAsString(), in.SerializeAsString());
}

TEST(RequestParserTest, EmptyBytesAreTheDefaultMessage) {
  StreamPortsRequest out;
  EXPECT_TRUE(ParseRequest(std::string(), out).ok());
  EXPECT_EQ(out.ByteSizeLong(), 0u);
}

TEST(RequestParserTest, UnknownFieldsOfEveryWireTypeAreSkipped) {
  // Field numbers 100-104 are not in the message (a newer client's fields).
  const std::string unknown = Tag(100, 0) + "\x96\x01" + Tag(101, 1) + std::string(8, 'x') +
                              Tag(102, 5) + std::string(4, 'y') + Bytes(103, "\xff\xfe") +
                              Tag(104, 3) + Tag(1, 0) + "\x01" + Tag(104, 4);
  ListPortsRequest out;
  const absl::Status status = ParseRequest(Bytes(2, "h1") + unknown, out);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(out.host_id(), "h1");
}

TEST(RequestParserTest, InvalidUtf8NamesTheField) {
  ListPortsRequest out;
  const absl::Status status = ParseRequest(Bytes(2, "ok\xff"), out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("malformed hss.ports.v1.ListPortsRequest"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("host_id (2) is not valid UTF-8 (byte 2"));
  EXPECT_EQ(GetErrorInfo(status)->reason(), "INVALID_REQUEST");
  EXPECT_EQ(BlamedField(status), "host_id");
}

TEST(RequestParserTest, OverlongAndSurrogateEncodingsAreNotUtf8) {
  for (const std::string& bad : {std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
    StreamPortsRequest out;
    EXPECT_EQ(BlamedField(ParseRequest(Bytes(3, bad), out)), "host_name");
  }
}

TEST(RequestParserTest, KnownFieldWithAnotherWireTypeIsRefused) {
  ListPortsRequest out;
  // host_id (a string) sent as a 32-bit value.
  const absl::Status status = ParseRequest(Tag(2, 5) + "abcd", out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("host_id (2) has wire type 32-bit, declared "
                                                       "length-delimited"));
  EXPECT_EQ(BlamedField(status), "host_id");
}

TEST(RequestParserTest, CutShortMessagesAreRefused) {
  const std::string whole = Bytes(2, "hello");
  for (size_t cut = 1; cut < whole.size(); ++cut) {
    ListPortsRequest out;
    const absl::Status status = ParseRequest(whole.substr(0, cut), out);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << cut;
  }
  ListPortsRequest out;
  EXPECT_THAT(std::string(ParseRequest(Bytes(2, "hello").substr(0, 4), out).message()),
              HasSubstr("says 5 bytes follow, but the message ends first"));
  // A varint cut short: optional int32 port = 5.
  EXPECT_EQ(BlamedField(ParseRequest(Tag(5, 0) + "\x80", out)), "port");
}

TEST(RequestParserTest, MalformedTagsAreRefused) {
  ListPortsRequest out;
  EXPECT_THAT(std::string(ParseRequest(std::string("\x00\x01", 2), out).message()),
              HasSubstr("field number 0"));
  EXPECT_THAT(std::string(ParseRequest(Tag(1, 4), out).message()), HasSubstr("no group open"));
  EXPECT_THAT(std::string(ParseRequest(Tag(100, 6) + "x", out).message()),
              HasSubstr("does not exist"));
  EXPECT_THAT(std::string(ParseRequest(std::string(11, '\xff'), out).message()),
              HasSubstr("cut short"));
  // An unknown group that never ends.
  EXPECT_THAT(std::string(ParseRequest(Tag(104, 3) + Tag(1, 0) + "\x01", out).message()),
              HasSubstr("ends inside a group"));
}

TEST(RequestParserTest, DeeplyNestedUnknownGroupsAreRefusedNotRecursedForever) {
  std::string nested;
  for (int i = 0; i < 100'000; ++i) nested += Tag(104, 3);
  ListPortsRequest out;
  EXPECT_THAT(std::string(ParseRequest(nested, out).message()), HasSubstr("levels deep"));
}

TEST(RequestParserTest, ByteBufferFromSeveralSlicesIsJoined) {
  ListPortsRequest in;
  in.set_host_id(std::string(300, 'h'));
  const std::string bytes = in.SerializeAsString();
  grpc::Slice slices[] = {grpc::Slice(bytes.substr(0, 7)), grpc::Slice(bytes.substr(7))};
  grpc::ByteBuffer buffer(slices, 2);
  ListPortsRequest out;
  ASSERT_TRUE(ParseRequest(buffer, out).ok());
  EXPECT_EQ(out.host_id(), in.host_id());
}

}  // namespace
}  // namespace hss::gateway
