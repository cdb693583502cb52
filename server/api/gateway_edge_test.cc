// The gRPC status edge, passthrough tokens and the call log line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/rpc/status.pb.h"
#include "server/api/call_log.h"
#include "server/api/grpc_status.h"
#include "server/api/port_service.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

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
  EXPECT_THAT(line, HasSubstr(R"("host_id":"a\"b\u000ac")"));
  EXPECT_THAT(line, HasSubstr(R"("code":"NOT_FOUND")"));
  EXPECT_THAT(line, HasSubstr(R"("reason":"UPSTREAM_NOT_FOUND")"));
  EXPECT_THAT(line, HasSubstr(R"("http_status":404)"));
  EXPECT_THAT(line, HasSubstr(R"("latency_ms":1.500)"));
  EXPECT_THAT(line, HasSubstr(R"("ts":"1970-01-01T00:00:00.000Z")"));
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
