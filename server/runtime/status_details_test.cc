#include "server/runtime/status_details.h"

#include <gtest/gtest.h>

#include "common/utf8.h"

namespace hss::gateway {
namespace {

TEST(StatusDetailsTest, DetailsRoundTrip) {
  absl::Status status = MakeError(absl::StatusCode::kPermissionDenied, "no",
                                  "CALLER_NOT_AUTHORIZED", {{"callerIdentity", "cn:ops"}});
  AddErrorMetadata(status, "projectId", "p1");
  SetRequestId(status, "rid-1");
  google::rpc::BadRequest::FieldViolation violation;
  violation.set_field("host_id");
  violation.set_description("required");
  SetFieldViolations(status, {violation});
  auto info = GetErrorInfo(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CALLER_NOT_AUTHORIZED");
  EXPECT_EQ(info->domain(), kErrorDomain);
  EXPECT_EQ(info->metadata().at("callerIdentity"), "cn:ops");
  EXPECT_EQ(info->metadata().at("projectId"), "p1");
  EXPECT_EQ(GetRequestInfo(status)->request_id(), "rid-1");
  EXPECT_EQ(GetBadRequest(status)->field_violations(0).field(), "host_id");
}

// Found by authz_policy_fuzz: a caller identity that is not UTF-8 made the
// ErrorInfo unparsable (protobuf refuses invalid UTF-8 in proto3 strings), so
// the caller lost every detail of its denial.
TEST(StatusDetailsTest, TextThatIsNotUtf8StillYieldsParsableDetails) {
  absl::Status status = MakeError(absl::StatusCode::kPermissionDenied, "no",
                                  "CALLER_NOT_AUTHORIZED", {{"callerIdentity", "cn:\xff\xfe"}});
  AddErrorMetadata(status, "projectId", "p\xc0");
  SetRequestId(status, "r\x80");
  google::rpc::BadRequest::FieldViolation violation;
  violation.set_field("host\xff");
  violation.set_description("bad \xed\xa0\x80");
  SetFieldViolations(status, {violation});

  auto info = GetErrorInfo(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->metadata().at("callerIdentity"), "cn:\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(info->metadata().at("projectId")));
  auto request = GetRequestInfo(status);
  ASSERT_TRUE(request.has_value());
  EXPECT_TRUE(IsValidUtf8(request->request_id()));
  auto bad = GetBadRequest(status);
  ASSERT_TRUE(bad.has_value());
  EXPECT_TRUE(IsValidUtf8(bad->field_violations(0).field()));
  EXPECT_TRUE(IsValidUtf8(bad->field_violations(0).description()));
}

}  // namespace
}  // namespace hss::gateway
