// The gRPC status edge, passthrough tokens and the call log line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/rpc/status.pb.h"
#include "rapidjson/document.h"
#include "server/api/call_log.h"
#include "server/api/call_setup.h"
#include "server/api/grpc_status.h"
#include "server/api/port_service.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ToGrpcStatus, CarriesCodeMessageAndEveryDetail) {
  absl::Status status = MakeError(absl::StatusCode::kResourceExhausted, "slow down",
                                  "UPSTREAM_THROTTLED", {{"httpStatus", "429"}});
  SetRetryDelay(status, absl::Milliseconds(1500));
  SetRequestId(status, "rid");
  google::rpc::BadRequest::FieldViolation v;
  v.set_field("limit");
  v.set_description("must be 10-200");
  SetFieldViolations(status, {v});

  grpc::Status g = ToGrpcStatus(status);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(g.error_message(), "slow down");
  google::rpc::Status proto;
  ASSERT_TRUE(proto.ParseFromString(g.error_details()));
  EXPECT_EQ(proto.code(), 8);
  EXPECT_EQ(proto.message(), "slow down");
  ASSERT_EQ(proto.details_size(), 4);
  google::rpc::ErrorInfo info;
  google::rpc::RetryInfo retry;
  google::rpc::RequestInfo request;
  google::rpc::BadRequest bad;
  int found = 0;
  for (const auto& any : proto.details()) {
    if (any.UnpackTo(&info)) ++found;
    if (any.UnpackTo(&retry)) ++found;
    if (any.UnpackTo(&request)) ++found;
    if (any.UnpackTo(&bad)) ++found;
  }
  EXPECT_EQ(found, 4);
  EXPECT_EQ(info.reason(), "UPSTREAM_THROTTLED");
  EXPECT_EQ(info.domain(), "hss-gateway.hss.ports.v1");
  EXPECT_EQ(info.metadata().at("httpStatus"), "429");
  EXPECT_EQ(retry.retry_delay().seconds(), 1);
  EXPECT_EQ(retry.retry_delay().nanos(), 500'000'000);
  EXPECT_EQ(request.request_id(), "rid");
  EXPECT_EQ(bad.field_violations(0).field(), "limit");
}

TEST(ToGrpcStatus, OkIsOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(ToGrpcStatus, SendsDetailsInOneDocumentedOrderWhateverTheirInsertionOrder) {
  google::rpc::BadRequest::FieldViolation v;
  v.set_field("limit");
  absl::Status first = MakeError(absl::StatusCode::kUnavailable, "x", "UPSTREAM_UNAVAILABLE");
  SetRequestId(first, "rid");
  SetRetryDelay(first, absl::Seconds(1));
  SetFieldViolations(first, {v});
  absl::Status second = MakeError(absl::StatusCode::kUnavailable, "x", "UPSTREAM_UNAVAILABLE");
  SetFieldViolations(second, {v});
  SetRetryDelay(second, absl::Seconds(1));
  SetRequestId(second, "rid");
  for (const absl::Status& status : {first, second}) {
    google::rpc::Status proto;
    ASSERT_TRUE(proto.ParseFromString(ToGrpcStatus(status).error_details()));
    std::vector<std::string> order;
    for (const auto& any : proto.details()) order.push_back(any.type_url());
    EXPECT_THAT(order, testing::ElementsAre("type.googleapis.com/google.rpc.ErrorInfo",
                                            "type.googleapis.com/google.rpc.BadRequest",
                                            "type.googleapis.com/google.rpc.RetryInfo",
                                            "type.googleapis.com/google.rpc.RequestInfo"));
  }
}

TEST(AddErrorMetadata, MergesIntoTheExistingErrorInfo) {
  absl::Status status = MakeError(absl::StatusCode::kUnavailable, "x", "UPSTREAM_UNAVAILABLE");
  AddErrorMetadata(status, kMetaResumeOffset, "400");
  auto info = GetErrorInfo(status);
  EXPECT_EQ(info->reason(), "UPSTREAM_UNAVAILABLE");
  EXPECT_EQ(info->metadata().at("resumeOffset"), "400");
}

// Parses `line` as JSON, rejecting invalid UTF-8 (what a strict log reader does).
::testing::AssertionResult ParsesAsStrictJson(const std::string& line, rapidjson::Document& doc) {
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
  if (doc.HasParseError()) {
    return ::testing::AssertionFailure() << "parse error " << doc.GetParseError() << " at "
                                         << doc.GetErrorOffset() << " in " << line.substr(0, 300);
  }
  if (!doc.IsObject()) return ::testing::AssertionFailure() << "not an object: " << line;
  return ::testing::AssertionSuccess();
}

TEST(FormatCallRecord, IsOneEscapedJsonLine) {
  CallRecord r;
  r.method = "ListPorts";
  r.host_id = "a\"b\nc";
  r.status = MakeError(absl::StatusCode::kNotFound, "gone", "UPSTREAM_NOT_FOUND");
  r.http_status = 404;
  r.latency = absl::Microseconds(1500);
  r.request_id = "rid";
  std::string line = FormatCallRecord(r, absl::FromUnixSeconds(0));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  rapidjson::Document doc;
  ASSERT_TRUE(ParsesAsStrictJson(line, doc));
  EXPECT_EQ(doc["host_id"].GetString(), std::string("a\"b\nc"));
  EXPECT_THAT(line, HasSubstr(R"("code":"NOT_FOUND")"));
  EXPECT_THAT(line, HasSubstr(R"("reason":"UPSTREAM_NOT_FOUND")"));
  EXPECT_THAT(line, HasSubstr(R"("http_status":404)"));
  EXPECT_THAT(line, HasSubstr(R"("latency_ms":1.500)"));
  EXPECT_THAT(line, HasSubstr(R"("ts":"1970-01-01T00:00:00.000Z")"));
}

TEST(FormatCallRecord, CutsAHugeHostIdAndSaysSo) {
  const std::string host_id(1 << 20, 'h');
  const std::string error(1 << 20, 'e');
  const std::string request_id(1 << 20, 'r');
  CallRecord r;
  r.method = "ListPorts";
  r.host_id = host_id;
  r.request_id = request_id;
  r.status = MakeError(absl::StatusCode::kInvalidArgument, error, "INVALID_ARGUMENT");
  std::string line = FormatCallRecord(r, absl::FromUnixSeconds(0));
  EXPECT_LT(line.size(), 4096u);
  rapidjson::Document doc;
  ASSERT_TRUE(ParsesAsStrictJson(line, doc));
  std::string logged = doc["host_id"].GetString();
  EXPECT_EQ(logged.size(), kCallLogMaxHostIdBytes + 3);
  EXPECT_EQ(logged.substr(0, kCallLogMaxHostIdBytes), host_id.substr(0, kCallLogMaxHostIdBytes));
  EXPECT_THAT(logged, EndsWith("\u2026"));
  ASSERT_TRUE(doc.HasMember("host_id_truncated"));
  EXPECT_TRUE(doc["host_id_truncated"].GetBool());
  EXPECT_EQ(doc["error"].GetStringLength(), kCallLogMaxErrorBytes + 3);
  EXPECT_TRUE(doc["error_truncated"].GetBool());
  EXPECT_EQ(doc["request_id"].GetStringLength(), kCallLogMaxRequestIdBytes + 3);
  EXPECT_TRUE(doc["request_id_truncated"].GetBool());
}

TEST(FormatCallRecord, ShortFieldsAreNotMarkedTruncated) {
  const std::string host_id(kCallLogMaxHostIdBytes, 'h');
  CallRecord r;
  r.method = "StreamPorts";
  r.host_id = host_id;
  r.status = absl::OkStatus();
  rapidjson::Document doc;
  ASSERT_TRUE(ParsesAsStrictJson(FormatCallRecord(r, absl::FromUnixSeconds(0)), doc));
  EXPECT_EQ(doc["host_id"].GetString(), host_id);
  EXPECT_FALSE(doc.HasMember("host_id_truncated"));
}

TEST(FormatCallRecord, CutsAtACharacterBoundary) {
  // 'é' is two bytes: a cut at an odd byte count would split one.
  std::string host_id;
  for (int i = 0; i < 1000; ++i) host_id += "\xc3\xa9";
  CallRecord r;
  r.host_id = host_id;
  rapidjson::Document doc;
  ASSERT_TRUE(ParsesAsStrictJson(FormatCallRecord(r, absl::FromUnixSeconds(0)), doc));
  std::string logged = doc["host_id"].GetString();
  EXPECT_LE(logged.size(), kCallLogMaxHostIdBytes + 3);
  EXPECT_EQ(logged, host_id.substr(0, kCallLogMaxHostIdBytes) + "\u2026");
}

TEST(FormatCallRecord, ReplacesInvalidUtf8WithReplacementCharacters) {
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"0xff",
       "a\xff"
       "b"},
      {"lone lead byte 0xc3",
       "a\xc3"
       "b"},
      {"lead byte at the end", "ab\xc3"},
      {"overlong '/' 0xc0 0xaf",
       "a\xc0\xaf"
       "b"},
      {"surrogate 0xed 0xa0 0x80",
       "a\xed\xa0\x80"
       "b"},
      {"above U+10FFFF 0xf4 0x90 0x80 0x80",
       "a\xf4\x90\x80\x80"
       "b"},
      {"stray continuation 0x80",
       "a\x80"
       "b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CallRecord r;
    r.method = "ListPorts";
    r.host_id = c.bytes;
    r.request_id = c.bytes;
    r.status = MakeError(absl::StatusCode::kInvalidArgument, c.bytes, "INVALID_ARGUMENT");
    const std::string line = FormatCallRecord(r, absl::FromUnixSeconds(0));
    rapidjson::Document doc;
    ASSERT_TRUE(ParsesAsStrictJson(line, doc));
    for (const char* field : {"host_id", "request_id", "error"}) {
      SCOPED_TRACE(field);
      ASSERT_TRUE(doc.HasMember(field));
      const std::string value = doc[field].GetString();
      EXPECT_THAT(value, HasSubstr("\uFFFD"));
      EXPECT_EQ(value.front(), 'a');
    }
  }
}

TEST(FormatCallRecord, KeepsValidMultiByteCharacters) {
  CallRecord r;
  r.host_id = "h\xc3\xbc-\xe2\x82\xac-\xf0\x9f\x98\x80";  // ü, €, an emoji
  rapidjson::Document doc;
  ASSERT_TRUE(ParsesAsStrictJson(FormatCallRecord(r, absl::FromUnixSeconds(0)), doc));
  EXPECT_EQ(doc["host_id"].GetString(), std::string(r.host_id));
}

TEST(RetryPushbackMs, IsTheRetryInfoDelayInMillisecondsRoundedUp) {
  absl::Status status = MakeError(absl::StatusCode::kUnavailable, "x", "UPSTREAM_UNAVAILABLE");
  EXPECT_EQ(RetryPushbackMs(status), std::nullopt);  // No RetryInfo: no pushback.
  SetRetryDelay(status, absl::Microseconds(1'500'200));
  EXPECT_EQ(RetryPushbackMs(status), "1501");
  SetRetryDelay(status, absl::Seconds(2));
  EXPECT_EQ(RetryPushbackMs(status), "2000");
  EXPECT_EQ(RetryPushbackMs(absl::OkStatus()), std::nullopt);
}

TEST(PassthroughToken, ReadsXAuthTokenOrBearer) {
  std::multimap<grpc::string_ref, grpc::string_ref> md;
  EXPECT_EQ(PassthroughTokenFromMetadata(md), "");
  md.emplace("authorization", "Bearer abc");
  EXPECT_EQ(PassthroughTokenFromMetadata(md), "abc");
  md.emplace("x-auth-token", "xyz");
  EXPECT_EQ(PassthroughTokenFromMetadata(md), "xyz");
  std::multimap<grpc::string_ref, grpc::string_ref> basic;
  basic.emplace("authorization", "Basic dXNlcjpwYXNz");
  EXPECT_EQ(PassthroughTokenFromMetadata(basic), "");
}

}  // namespace
}  // namespace hss::gateway
