#include "server/auth/project_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "common/aksk_signer.h"
#include "server/auth/aksk_credentials.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_http_transport.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAk[] = "HSSTESTAK0123456789AB";
constexpr char kSk[] = "hssTestSecretKey/0123456789+abcdefghijKLMN";
constexpr char kIam[] = "https://iam.cn-north-4.myhuaweicloud.com";

HttpResponse Projects(absl::string_view list) {
  return MakeHttpResponse(200, absl::StrCat(R"({"projects":[)", list, R"(],"links":{}})"));
}

class ProjectResolverTest : public ::testing::Test {
 protected:
  ProjectResolverTest() {
    AkskCredential credential;
    credential.ak = kAk;
    credential.sk = kSk;
    AkskCredentialsOptions aksk;
    aksk.clock = [this] { return now_; };
    auto credentials = std::make_shared<AkskCredentials>(
        std::make_shared<StaticCredentialSource>(credential, "test"), std::move(aksk));
    ProjectResolverOptions options;
    options.iam_endpoint = kIam;
    options.identity = absl::StrCat("AK ", RedactAk(kAk));
    options.fix = "check the AK/SK";
    options.clock = [this] { return now_; };
    options.scheduler = scheduler_;
    resolver_ = ProjectResolver::Create(std::move(options), transport_, std::move(credentials));
  }

  void TearDown() override { transport_->FailAll(); }

  std::shared_ptr<std::optional<absl::StatusOr<std::string>>> Resolve(
      const std::string& region = "cn-north-4", const CallContext& context = CallContext{}) {
    auto out = std::make_shared<std::optional<absl::StatusOr<std::string>>>();
    resolver_->Resolve(region, context,
                       [out](absl::StatusOr<std::string> id) { *out = std::move(id); });
    return out;
  }

  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>(now_);
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::shared_ptr<ProjectResolver> resolver_;
};

TEST_F(ProjectResolverTest, OneMatchIsResolvedOnceAndCached) {
  std::vector<std::shared_ptr<std::optional<absl::StatusOr<std::string>>>> outs;
  for (int i = 0; i < 20; ++i) outs.push_back(Resolve());
  ASSERT_EQ(transport_->started(), 1u);
  const HttpRequest get = transport_->front();
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.url, absl::StrCat(kIam, "/v3/projects?name=cn-north-4"));

  // Signed like an SDK request to IAM: host and date, no project.
  std::optional<std::string> authorization;
  hss::SigningRequest received{"GET", "/v3/projects", {{"name", "cn-north-4"}}, {}, ""};
  for (const auto& header : get.headers) {
    EXPECT_FALSE(absl::EqualsIgnoreCase(header.first, "X-Project-Id"));
    if (absl::EqualsIgnoreCase(header.first, "Authorization")) authorization = header.second;
    received.headers.push_back(header);
  }
  ASSERT_TRUE(authorization.has_value());
  auto parsed = hss::ParseAuthorizationHeader(*authorization);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-sdk-date"}));
  EXPECT_TRUE(hss::VerifyAuthorization(received, *parsed, kSk));

  transport_->Answer(
      Projects(R"({"id":"0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b","name":"cn-north-4","enabled":true})"));
  for (const auto& out : outs) {
    ASSERT_TRUE(out->has_value());
    EXPECT_EQ(***out, "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b");
  }
  EXPECT_EQ(***Resolve(), "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b");
  EXPECT_EQ(resolver_->Cached("cn-north-4"), "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b");
  EXPECT_EQ(resolver_->Cached("ap-southeast-1"), "");
  EXPECT_EQ(transport_->started(), 1u);
  EXPECT_EQ(resolver_->lookups(), 1);

  // Another region is another lookup.
  auto other = Resolve("ap-southeast-1");
  EXPECT_EQ(transport_->started(), 2u);
  transport_->Answer(Projects(R"({"id":"p2"})"));  // entries without a name count
  EXPECT_EQ(***other, "p2");
}

TEST_F(ProjectResolverTest, ZeroMatchesFailClearly) {
  auto out = Resolve();
  // Sub-projects and other regions are not matches.
  transport_->Answer(
      Projects(R"({"id":"x","name":"cn-north-4_sub"},{"id":"y","name":"cn-east-3"})"));
  ASSERT_TRUE(out->has_value());
  const absl::Status s = (*out)->status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorInfo(s)->reason(), "PROJECT_NOT_FOUND");
  EXPECT_THAT(s.message(), AllOf(HasSubstr("no project named \"cn-north-4\""),
                                 HasSubstr("--project_id"), HasSubstr(kIam)));
}

TEST_F(ProjectResolverTest, SeveralMatchesFailClearly) {
  auto out = Resolve();
  transport_->Answer(Projects(R"({"id":"a","name":"cn-north-4"},{"id":"b","name":"cn-north-4"})"));
  const absl::Status s = (*out)->status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetErrorInfo(s)->reason(), "PROJECT_AMBIGUOUS");
  EXPECT_THAT(s.message(), AllOf(HasSubstr("2 projects"), HasSubstr("--project_id")));
}

TEST_F(ProjectResolverTest, MalformedAnswers) {
  auto out = Resolve();
  transport_->Answer(MakeHttpResponse(200, "<html>"));
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "IAM_MALFORMED_RESPONSE");
}

TEST_F(ProjectResolverTest, RejectedCredentialsNameOnlyTheAkPrefix) {
  auto out = Resolve();
  transport_->Answer(MakeHttpResponse(
      401, R"({"error_code":"APIG.0301","error_msg":"Incorrect IAM authentication information"})"));
  const absl::Status s = (*out)->status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(GetErrorInfo(s)->reason(), "UPSTREAM_CREDENTIALS_REJECTED");
  const std::string everything = s.ToString(absl::StatusToStringMode::kWithEverything);
  EXPECT_THAT(everything, AllOf(HasSubstr("AK HSST…"), Not(HasSubstr(kAk)), Not(HasSubstr(kSk))));
}

TEST_F(ProjectResolverTest, FailuresAreRememberedBriefly) {
  auto out = Resolve();
  transport_->Answer(MakeError(absl::StatusCode::kUnavailable, "refused", "UPSTREAM_UNREACHABLE"));
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "IAM_UNAVAILABLE");
  EXPECT_EQ(Resolve()->value().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(transport_->started(), 1u);
  now_ += absl::Seconds(5);
  out = Resolve();
  EXPECT_EQ(transport_->started(), 2u);
  transport_->Answer(Projects(R"({"id":"p","name":"cn-north-4"})"));
  EXPECT_EQ(***out, "p");
}

TEST_F(ProjectResolverTest, ACancelledWaiterIsReleasedAtOnce) {
  CallContext cancelled_call;
  auto a = Resolve("cn-north-4", cancelled_call);
  auto b = Resolve();
  EXPECT_FALSE(a->has_value());
  cancelled_call.cancellation->Cancel();
  ASSERT_TRUE(a->has_value()) << "released when its caller cancels";
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(GetErrorInfo((*a)->status())->reason(), "CANCELLED");
  ASSERT_EQ(transport_->pending(), 1u) << "the shared lookup goes on";
  transport_->Answer(Projects(R"({"id":"p","name":"cn-north-4"})"));
  EXPECT_EQ(***b, "p");
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kCancelled);
}

TEST_F(ProjectResolverTest, AWaiterWhoseDeadlinePassesGetsDeadlineExceeded) {
  CallContext short_call;
  short_call.deadline = now_ + absl::Seconds(3);
  auto a = Resolve("cn-north-4", short_call);
  auto b = Resolve();
  scheduler_->AdvanceBy(absl::Seconds(3));
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(b->has_value());
  transport_->Answer(Projects(R"({"id":"p","name":"cn-north-4"})"));
  EXPECT_EQ(***b, "p");
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
}

TEST_F(ProjectResolverTest, ADeeplyNestedAnswerCannotOverflowTheStack) {
  auto out = Resolve();
  transport_->Answer(MakeHttpResponse(200, absl::StrCat(R"({"projects":)", std::string(200000, '['),
                                                        std::string(200000, ']'), "}")));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "PROJECT_NOT_FOUND");
}

TEST(ProjectIdFromListProjects, NeverShowsTheUserInfoOfTheEndpoint) {
  const HttpResponse none{.status = 200, .body = R"({"projects":[]})"};
  absl::StatusOr<std::string> id =
      ProjectIdFromListProjects(none, "cn-north-4", "https://user:secret@iam.example");
  ASSERT_FALSE(id.ok());
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("IAM at https://iam.example"));
  EXPECT_THAT(std::string(id.status().message()), Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace hss::gateway
