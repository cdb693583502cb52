#include "client/output/rpc_error_format.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "client/output/error_details.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "hss/ports/v1/ports.pb.h"

namespace hss::client {
namespace {

using ::google::rpc::BadRequest;
using ::google::rpc::ErrorInfo;
using ::google::rpc::RequestInfo;
using ::google::rpc::RetryInfo;

// A grpc::Status whose grpc-status-details-bin is a google.rpc.Status with
// `code`, `message` and the details added by `add`.
template <typename AddDetails>
grpc::Status StatusWithDetails(grpc::StatusCode code, const std::string& message, AddDetails add) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(code));
  rpc_status.set_message(message);
  add(rpc_status);
  return grpc::Status(code, message, rpc_status.SerializeAsString());
}

ErrorInfo MakeErrorInfo() {
  ErrorInfo info;
  info.set_reason("UPSTREAM_UNAVAILABLE");
  info.set_domain("hss-gateway.hss.ports.v1");
  // Inserted out of order: the output sorts keys.
  (*info.mutable_metadata())["upstreamRequestId"] = "req-9";
  (*info.mutable_metadata())["resumeOffset"] = "400";
  (*info.mutable_metadata())["httpStatus"] = "503";
  return info;
}

TEST(StatusCodeNameTest, NamesEveryCode) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DATA_LOSS), "DATA_LOSS");
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(42)), "CODE(42)");
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(-1)), "CODE(-1)");
}

TEST(StatusCodeNameTest, EveryGrpcCodeHasItsOwnCanonicalName) {
  std::set<std::string> names;
  for (int code = grpc::StatusCode::OK; code <= grpc::StatusCode::UNAUTHENTICATED; ++code) {
    const std::string name = StatusCodeName(static_cast<grpc::StatusCode>(code));
    EXPECT_FALSE(name.empty()) << code;
    EXPECT_FALSE(absl::StartsWith(name, "CODE(")) << code << ": " << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 17u);
}

TEST(FormatRpcErrorTest, WithoutDetails) {
  EXPECT_EQ(FormatRpcError(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such host")),
            "error: NOT_FOUND: no such host\n");
}

TEST(FormatRpcErrorTest, PrintsEveryDetailInAFixedOrder) {
  const grpc::Status status = StatusWithDetails(
      grpc::StatusCode::UNAVAILABLE, "HSS is unavailable", [](google::rpc::Status& s) {
        // Packed in a different order than printed.
        BadRequest bad_request;
        auto* v = bad_request.add_field_violations();
        v->set_field("limit");
        v->set_description("must be 0 or 10-200");
        v = bad_request.add_field_violations();
        v->set_field("host_id");
        v->set_description("must not be empty");
        s.add_details()->PackFrom(bad_request);
        RetryInfo retry;
        retry.mutable_retry_delay()->set_seconds(1);
        retry.mutable_retry_delay()->set_nanos(500'000'000);
        s.add_details()->PackFrom(retry);
        RequestInfo request;
        request.set_request_id("0a1b2c");
        s.add_details()->PackFrom(request);
        s.add_details()->PackFrom(MakeErrorInfo());
      });
  EXPECT_EQ(FormatRpcError(status),
            "error: UNAVAILABLE: HSS is unavailable\n"
            "  reason: UPSTREAM_UNAVAILABLE\n"
            "  domain: hss-gateway.hss.ports.v1\n"
            "  metadata httpStatus: 503\n"
            "  metadata resumeOffset: 400\n"
            "  metadata upstreamRequestId: req-9\n"
            "  request_id: 0a1b2c\n"
            "  retry after 1.5s\n"
            "  limit: must be 0 or 10-200\n"
            "  host_id: must not be empty\n");
}

TEST(FormatRpcErrorTest, FormatsRetryDelays) {
  const auto format = [](int64_t seconds, int32_t nanos) {
    return FormatRpcError(StatusWithDetails(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down",
                                            [&](google::rpc::Status& s) {
                                              RetryInfo retry;
                                              retry.mutable_retry_delay()->set_seconds(seconds);
                                              retry.mutable_retry_delay()->set_nanos(nanos);
                                              s.add_details()->PackFrom(retry);
                                            }));
  };
  EXPECT_EQ(format(2, 0), "error: RESOURCE_EXHAUSTED: slow down\n  retry after 2s\n");
  EXPECT_EQ(format(0, 250'000'000), "error: RESOURCE_EXHAUSTED: slow down\n  retry after 250ms\n");
  EXPECT_EQ(format(90, 0), "error: RESOURCE_EXHAUSTED: slow down\n  retry after 1m30s\n");
}

TEST(FormatRpcErrorTest, NamesDetailsOfOtherTypes) {
  const grpc::Status status = StatusWithDetails(
      grpc::StatusCode::INTERNAL, "boom",
      [](google::rpc::Status& s) { s.add_details()->PackFrom(hss::ports::v1::Port()); });
  EXPECT_EQ(FormatRpcError(status),
            "error: INTERNAL: boom\n  detail: type.googleapis.com/hss.ports.v1.Port\n");
}

TEST(FormatRpcErrorTest, ReportsUndecodableDetails) {
  const grpc::Status garbage(grpc::StatusCode::INTERNAL, "boom", "\xff\xff\xff");
  EXPECT_EQ(FormatRpcError(garbage),
            "error: INTERNAL: boom\n  (error details present but undecodable)\n");

  const grpc::Status bad_any =
      StatusWithDetails(grpc::StatusCode::INTERNAL, "boom", [](google::rpc::Status& s) {
        auto* any = s.add_details();
        any->set_type_url("type.googleapis.com/google.rpc.ErrorInfo");
        any->set_value("\xff\xff");
      });
  EXPECT_EQ(FormatRpcError(bad_any),
            "error: INTERNAL: boom\n"
            "  detail: type.googleapis.com/google.rpc.ErrorInfo (undecodable)\n");
}

TEST(FormatRpcErrorTest, EscapesServerTextForTheTerminal) {
  const grpc::Status status = StatusWithDetails(grpc::StatusCode::INVALID_ARGUMENT,
                                                "bad\x1b[2J\nline", [](google::rpc::Status& s) {
                                                  BadRequest bad_request;
                                                  auto* v = bad_request.add_field_violations();
                                                  v->set_field("host_name");
                                                  v->set_description("\x1b]0;owned\x07");
                                                  s.add_details()->PackFrom(bad_request);
                                                });
  EXPECT_EQ(FormatRpcError(status),
            "error: INVALID_ARGUMENT: bad\\x1B[2J\\nline\n"
            "  host_name: \\x1B]0;owned\\x07\n");
}

TEST(ResumeOffsetTest, ReadsErrorInfoMetadata) {
  const auto offset_of = [](const char* value) {
    return ResumeOffset(DecodeErrorDetails(
        StatusWithDetails(grpc::StatusCode::UNAVAILABLE, "x", [&](google::rpc::Status& s) {
          ErrorInfo info;
          if (value != nullptr) (*info.mutable_metadata())["resumeOffset"] = value;
          s.add_details()->PackFrom(info);
        })));
  };
  EXPECT_EQ(offset_of("400"), 400);
  EXPECT_EQ(offset_of("0"), 0);
  EXPECT_EQ(offset_of(nullptr), std::nullopt);
  EXPECT_EQ(offset_of("-1"), std::nullopt);
  EXPECT_EQ(offset_of("4e2"), std::nullopt);
  EXPECT_EQ(offset_of("99999999999"), std::nullopt);
  EXPECT_EQ(ResumeOffset(DecodeErrorDetails(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x"))),
            std::nullopt);
}

TEST(DecodeErrorDetailsTest, KeepsTheFirstOfARepeatedType) {
  const grpc::Status status =
      StatusWithDetails(grpc::StatusCode::UNAVAILABLE, "x", [](google::rpc::Status& s) {
        RequestInfo first;
        first.set_request_id("first");
        RequestInfo second;
        second.set_request_id("second");
        s.add_details()->PackFrom(first);
        s.add_details()->PackFrom(second);
      });
  const ErrorDetails details = DecodeErrorDetails(status);
  ASSERT_TRUE(details.request_info.has_value());
  EXPECT_EQ(details.request_info->request_id(), "first");
  EXPECT_FALSE(details.error_info.has_value());
  EXPECT_FALSE(details.malformed);
}

}  // namespace
}  // namespace hss::client
