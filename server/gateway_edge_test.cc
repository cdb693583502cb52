// Small pure pieces of the gateway: the gRPC status edge, tokens, endpoints, log lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/rpc/status.pb.h"
#include "server/call_log.h"
#include "server/curl_status.h"
#include "server/gateway_options.h"
#include "server/grpc_status.h"
#include "server/port_service.h"
#include "server/status_details.h"
#include "server/token_credentials.h"

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

TEST(AddErrorMetadata, MergesIntoTheExistingErrorInfo) {
  absl::Status status = MakeError(absl::StatusCode::kUnavailable, "x", "UPSTREAM_UNAVAILABLE");
  AddErrorMetadata(status, kMetaResumeOffset, "400");
  auto info = GetErrorInfo(status);
  EXPECT_EQ(info->reason(), "UPSTREAM_UNAVAILABLE");
  EXPECT_EQ(info->metadata().at("resumeOffset"), "400");
}

TEST(ValidateToken, AcceptsVisibleAsciiOnly) {
  EXPECT_TRUE(ValidateToken("MIIabc+/=-_.").ok());
  EXPECT_EQ(ValidateToken("").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(ValidateToken("a b").ok());
  EXPECT_FALSE(ValidateToken("a\r\nX-Evil: 1").ok());
  EXPECT_FALSE(ValidateToken(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(ValidateToken(std::string(16385, 'a')).ok());
  // The message never echoes the token.
  EXPECT_THAT(std::string(ValidateToken("secret value").message()), Not(HasSubstr("secret")));
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

TEST(EndpointForRegion, FollowsHuaweiConventions) {
  auto no_env = [](absl::string_view) { return std::string(); };
  EXPECT_EQ(*EndpointForRegion("cn-north-4", no_env), "https://hss.cn-north-4.myhuaweicloud.com");
  EXPECT_EQ(*EndpointForRegion("eu-west-101", no_env), "https://hss.eu-west-101.myhuaweicloud.eu");
  auto env = [](absl::string_view name) {
    return name == "HUAWEICLOUD_SDK_REGION_HSS_AP_SOUTHEAST_1" ? std::string("https://private")
                                                               : std::string();
  };
  EXPECT_EQ(*EndpointForRegion("ap-southeast-1", env), "https://private");
  EXPECT_FALSE(EndpointForRegion("cn-north-4/../evil", no_env).ok());
  EXPECT_FALSE(EndpointForRegion("", no_env).ok());
}

TEST(CurlFailureToStatus, MapsTheTransportTable) {
  struct Row {
    CURLcode code;
    bool caller_deadline;
    absl::StatusCode want;
    std::string reason;
  };
  const std::vector<Row> rows = {
      {CURLE_COULDNT_CONNECT, false, absl::StatusCode::kUnavailable, "UPSTREAM_UNREACHABLE"},
      {CURLE_COULDNT_RESOLVE_HOST, false, absl::StatusCode::kUnavailable, "UPSTREAM_DNS_FAILURE"},
      {CURLE_GOT_NOTHING, false, absl::StatusCode::kUnavailable, "UPSTREAM_EMPTY_REPLY"},
      {CURLE_RECV_ERROR, false, absl::StatusCode::kUnavailable, "UPSTREAM_CONNECTION_RESET"},
      {CURLE_SEND_ERROR, false, absl::StatusCode::kUnavailable, "UPSTREAM_CONNECTION_RESET"},
      {CURLE_PARTIAL_FILE, false, absl::StatusCode::kUnavailable, "UPSTREAM_TRUNCATED_RESPONSE"},
      {CURLE_SSL_CONNECT_ERROR, false, absl::StatusCode::kUnavailable,
       "UPSTREAM_TLS_HANDSHAKE_FAILED"},
      {CURLE_PEER_FAILED_VERIFICATION, false, absl::StatusCode::kInternal,
       "UPSTREAM_TLS_VERIFICATION_FAILED"},
      {CURLE_SSL_CACERT_BADFILE, false, absl::StatusCode::kInternal,
       "UPSTREAM_TLS_VERIFICATION_FAILED"},
      {CURLE_OPERATION_TIMEDOUT, true, absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
      {CURLE_OPERATION_TIMEDOUT, false, absl::StatusCode::kUnavailable, "UPSTREAM_TIMEOUT"},
      {CURLE_ABORTED_BY_CALLBACK, false, absl::StatusCode::kCancelled, "CANCELLED"},
  };
  for (const auto& row : rows) {
    CurlFailure f;
    f.code = row.code;
    f.origin = "https://hss.example.com";
    f.timeout_is_caller_deadline = row.caller_deadline;
    absl::Status s = CurlFailureToStatus(f);
    EXPECT_EQ(s.code(), row.want) << row.code;
    EXPECT_EQ(GetErrorInfo(s)->reason(), row.reason) << row.code;
    EXPECT_THAT(std::string(s.message()), HasSubstr("https://hss.example.com"));
  }
  CurlFailure big;
  big.code = CURLE_WRITE_ERROR;
  big.body_too_large = true;
  big.max_response_bytes = 1024;
  absl::Status s = CurlFailureToStatus(big);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--max_response_bytes=1024"));
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

}  // namespace
}  // namespace hss::gateway
