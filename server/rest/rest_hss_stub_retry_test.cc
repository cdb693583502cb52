// RestHssStub's one retry after an expired token (401 APIG.0307), with the
// IAM token credentials that make it possible.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/auth/iam_token_credentials.h"
#include "server/auth/token_credentials.h"
#include "server/rest/rest_hss_stub.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_http_transport.h"

namespace hss::gateway {
namespace {

constexpr char kExpired[] =
    R"({"error_code":"APIG.0307","error_msg":"The token expires.","request_id":"r1"})";
constexpr char kPage[] = R"({"total_num":1,"data_list":[{"port":22,"type":"TCP"}]})";

std::string TokenOf(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (absl::EqualsIgnoreCase(name, "X-Auth-Token")) return value;
  }
  return "";
}

HttpResponse Token(absl::string_view token, absl::Time now) {
  return MakeHttpResponse(201,
                          absl::StrCat(R"({"token":{"expires_at":")",
                                       absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", now + absl::Hours(24),
                                                        absl::UTCTimeZone()),
                                       R"(","project":{"id":"proj"}}})"),
                          {{"X-Subject-Token", std::string(token)}});
}

class TokenRetryTest : public ::testing::Test {
 protected:
  void TearDown() override { transport_->FailAll(); }

  void Build(std::shared_ptr<Credentials> credentials) {
    RestHssStubOptions options;
    options.endpoint = "https://hss.example.com";
    options.clock = [this] { return now_; };
    stub_ = std::make_unique<RestHssStub>(std::move(options), transport_, std::move(credentials));
  }

  std::shared_ptr<IamTokenCredentials> Iam() {
    IamTokenCredentialsOptions o;
    o.iam_endpoint = "https://iam.example.com";
    o.user = "u";
    o.domain = "d";
    o.project = "cn-north-4";
    o.password = []() -> absl::StatusOr<std::string> { return std::string("pw"); };
    o.clock = [this] { return now_; };
    o.log = [](absl::string_view) {};
    return IamTokenCredentials::Create(std::move(o), transport_);
  }

  std::shared_ptr<std::optional<absl::StatusOr<PortsPage>>> Call() {
    auto out = std::make_shared<std::optional<absl::StatusOr<PortsPage>>>();
    hss::ports::v1::ListPortsRequest request;
    request.set_host_id("h");
    stub_->AsyncListPorts(context_, "proj", request,
                          [out](absl::StatusOr<PortsPage> page) { *out = std::move(page); });
    return out;
  }

  // Answers the pending HSS GET, checking the token it carries.
  void AnswerGet(absl::string_view expected_token, HttpResponse response) {
    const HttpRequest get = transport_->front();
    ASSERT_EQ(get.method, "GET");
    EXPECT_EQ(TokenOf(get), expected_token);
    transport_->Answer(std::move(response));
  }

  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::unique_ptr<RestHssStub> stub_;
  CallContext context_;
};

TEST_F(TokenRetryTest, ExpiredTokenIsRefreshedAndTheCallRetriedOnce) {
  Build(Iam());
  auto out = Call();
  transport_->Answer(Token("t1", now_));
  AnswerGet("t1", MakeHttpResponse(401, kExpired));
  ASSERT_FALSE(out->has_value());
  EXPECT_EQ(transport_->front().method, "POST") << "a new token is requested";
  transport_->Answer(Token("t2", now_));
  AnswerGet("t2", MakeHttpResponse(200, kPage));
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((*out)->ok()) << (*out)->status();
  EXPECT_EQ((***out).response.data_list_size(), 1);
  EXPECT_EQ(transport_->started(), 4u);  // POST, GET, POST, GET
}

TEST_F(TokenRetryTest, RetriesOnlyOnce) {
  Build(Iam());
  auto out = Call();
  transport_->Answer(Token("t1", now_));
  AnswerGet("t1", MakeHttpResponse(401, kExpired));
  transport_->Answer(Token("t2", now_));
  AnswerGet("t2", MakeHttpResponse(401, kExpired));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "UPSTREAM_TOKEN_EXPIRED");
  EXPECT_EQ(transport_->started(), 4u);
  EXPECT_EQ(transport_->pending(), 0u);
}

TEST_F(TokenRetryTest, OtherUnauthorizedAnswersAreNotRetried) {
  Build(Iam());
  auto out = Call();
  transport_->Answer(Token("t1", now_));
  AnswerGet("t1", MakeHttpResponse(401, R"({"error_code":"APIG.0301","error_msg":"bad"})"));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "UPSTREAM_UNAUTHENTICATED");
  EXPECT_EQ(transport_->started(), 2u);
}

TEST_F(TokenRetryTest, CallersOwnTokensAreNotRetried) {
  Build(std::make_shared<PassthroughCredentials>());
  context_.passthrough_token = "callers-token";
  auto out = Call();
  AnswerGet("callers-token", MakeHttpResponse(401, kExpired));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "UPSTREAM_TOKEN_EXPIRED");
  EXPECT_EQ(transport_->started(), 1u);
}

TEST_F(TokenRetryTest, ConcurrentExpiredCallsShareOneRefresh) {
  Build(Iam());
  auto a = Call();
  transport_->Answer(Token("t1", now_));
  auto b = Call();
  auto c = Call();
  ASSERT_EQ(transport_->pending(), 3u);  // three GETs with t1
  for (int i = 0; i < 3; ++i) AnswerGet("t1", MakeHttpResponse(401, kExpired));
  ASSERT_EQ(transport_->pending(), 1u);
  EXPECT_EQ(transport_->front().method, "POST");
  transport_->Answer(Token("t2", now_));
  for (int i = 0; i < 3; ++i) AnswerGet("t2", MakeHttpResponse(200, kPage));
  for (const auto& out : {a, b, c}) {
    ASSERT_TRUE(out->has_value());
    EXPECT_TRUE((*out)->ok());
  }
  EXPECT_EQ(transport_->started(), 8u);  // 2 POSTs, 6 GETs
}

TEST_F(TokenRetryTest, TheRetryHonoursTheCallersDeadline) {
  Build(Iam());
  context_.deadline = now_ + absl::Seconds(10);
  auto out = Call();
  transport_->Answer(Token("t1", now_));
  now_ += absl::Seconds(10);
  AnswerGet("t1", MakeHttpResponse(401, kExpired));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace hss::gateway
