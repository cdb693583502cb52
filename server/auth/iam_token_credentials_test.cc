#include "server/auth/iam_token_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_http_transport.h"

namespace hss::gateway {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "Pa55\"word\\with{json}";
constexpr char kIam[] = "https://iam.cn-north-4.myhuaweicloud.com";
constexpr char kDefaultProject[] = "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b";

std::string IsoTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

// IAM's 201 answer to a token request.
HttpResponse TokenResponse(absl::string_view token, absl::Time issued, absl::Duration lifetime,
                           absl::string_view project_id = kDefaultProject) {
  return MakeHttpResponse(
      201,
      absl::StrCat(R"({"token":{"methods":["password"],"expires_at":")", IsoTime(issued + lifetime),
                   R"(","issued_at":")", IsoTime(issued), R"(","project":{"id":")", project_id,
                   R"(","name":"cn-north-4"},"user":{"name":"u"}}})"),
      {{"X-Subject-Token", std::string(token)}, {"Content-Type", "application/json"}});
}

std::optional<std::string> AuthToken(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (absl::EqualsIgnoreCase(name, "X-Auth-Token")) return value;
  }
  return std::nullopt;
}

// Where an Authorize() outcome lands.
using Slot = std::shared_ptr<std::optional<absl::StatusOr<HttpRequest>>>;

// The X-Auth-Token of an authorized request, or what happened instead.
std::string AuthToken(const Slot& out) {
  if (!out->has_value()) return "(still waiting)";
  if (!(*out)->ok()) return (*out)->status().ToString();
  return AuthToken(***out).value_or("(no X-Auth-Token)");
}

TEST(IamPasswordTokenRequestBody, IsTheDocumentedJsonWithEscaping) {
  EXPECT_EQ(IamPasswordTokenRequestBody("u", "acct", "p", {"cn-north-4", ""}),
            R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u",)"
            R"("password":"p","domain":{"name":"acct"}}}},"scope":{"project":{"name":)"
            R"("cn-north-4"}}}})");
  const std::string body =
      IamPasswordTokenRequestBody("u\"x", "acct", kPassword, {"ignored", "p-id"});
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  ASSERT_FALSE(doc.HasParseError()) << body;
  EXPECT_STREQ(doc["auth"]["identity"]["password"]["user"]["password"].GetString(), kPassword);
  EXPECT_STREQ(doc["auth"]["identity"]["password"]["user"]["name"].GetString(), "u\"x");
  EXPECT_STREQ(doc["auth"]["scope"]["project"]["id"].GetString(), "p-id");
  EXPECT_FALSE(doc["auth"]["scope"]["project"].HasMember("name"));
}

TEST(ParseIamTime, AcceptsIamsForms) {
  const absl::Time t = absl::FromUnixMillis(1550040733855);  // 2019-02-13T06:52:13.855Z
  EXPECT_EQ(ParseIamTime("2019-02-13T06:52:13.855000Z"), t);
  EXPECT_EQ(ParseIamTime("2019-02-13T06:52:13.855Z"), t);
  EXPECT_EQ(ParseIamTime("2019-02-13T14:52:13.855+08:00"), t);
  EXPECT_EQ(ParseIamTime("2019-02-13T06:52:13Z"), absl::FromUnixSeconds(1550040733));
  EXPECT_EQ(ParseIamTime(""), std::nullopt);
  EXPECT_EQ(ParseIamTime("yesterday"), std::nullopt);
}

TEST(ParseIamTokenResponse, ReadsTokenTimesAndProject) {
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  auto token = ParseIamTokenResponse(TokenResponse("tok", now, absl::Hours(24)), now);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->token, "tok");
  EXPECT_EQ(token->issued_at, now);
  EXPECT_EQ(token->expires_at, now + absl::Hours(24));
  EXPECT_EQ(token->project_id, kDefaultProject);

  // Liberal: no body still gives a token with the documented lifetime.
  token = ParseIamTokenResponse(MakeHttpResponse(201, "", {{"x-subject-token", "t2"}}), now);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->expires_at, now + absl::Hours(24));

  auto missing = ParseIamTokenResponse(MakeHttpResponse(201, "{}"), now);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(GetErrorInfo(missing.status())->reason(), "IAM_MALFORMED_RESPONSE");
  auto bad = ParseIamTokenResponse(MakeHttpResponse(201, "{}", {{"X-Subject-Token", "a b"}}), now);
  EXPECT_FALSE(bad.ok());
}

class IamTokenCredentialsTest : public ::testing::Test {
 protected:
  void TearDown() override { transport_->FailAll(); }

  std::shared_ptr<IamTokenCredentials> Make() {
    IamTokenCredentialsOptions o;
    o.iam_endpoint = kIam;
    o.user = "hss-reader";
    o.domain = "my-account";
    o.project = "cn-north-4";
    o.password = [this]() -> absl::StatusOr<std::string> {
      if (!password_error_.ok()) return password_error_;
      return std::string(kPassword);
    };
    o.max_scopes = max_scopes_;
    o.clock = [this] { return now_; };
    o.log = [this](absl::string_view line) { logs_.emplace_back(line); };
    return IamTokenCredentials::Create(std::move(o), transport_);
  }

  // Starts Authorize for `url` and returns the slot its outcome lands in.
  std::shared_ptr<std::optional<absl::StatusOr<HttpRequest>>> Authorize(
      IamTokenCredentials& credentials,
      const std::string& url = absl::StrCat("https://hss.example.com/v5/", kDefaultProject,
                                            "/asset/ports?host_id=h")) {
    auto out = std::make_shared<std::optional<absl::StatusOr<HttpRequest>>>();
    HttpRequest request;
    request.url = url;
    credentials.Authorize(std::move(request), CallContext{},
                          [out](absl::StatusOr<HttpRequest> r) { *out = std::move(r); });
    if (out->has_value() && !(*out)->ok()) statuses_.push_back((*out)->status());
    return out;
  }

  // Every message, detail and log line seen must be free of secrets.
  void ExpectNoSecrets() {
    for (const absl::Status& s : statuses_) {
      EXPECT_THAT(
          s.ToString(absl::StatusToStringMode::kWithEverything),
          AllOf(Not(HasSubstr(kPassword)), Not(HasSubstr("Pa55")), Not(HasSubstr("secret-token"))));
    }
    for (const std::string& line : logs_) {
      EXPECT_THAT(line, AllOf(Not(HasSubstr("Pa55")), Not(HasSubstr("secret-token"))));
    }
  }

  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  absl::Status password_error_;
  std::size_t max_scopes_ = 32;
  std::vector<std::string> logs_;
  std::vector<absl::Status> statuses_;
};

TEST_F(IamTokenCredentialsTest, RequestsATokenAsDocumented) {
  auto credentials = Make();
  auto out = Authorize(*credentials);
  EXPECT_FALSE(out->has_value()) << "waits for IAM";
  ASSERT_EQ(transport_->started(), 1u);
  const HttpRequest post = transport_->front();
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(post.url, absl::StrCat(kIam, "/v3/auth/tokens"));
  EXPECT_THAT(post.headers, ::testing::Contains(
                                ::testing::Pair("Content-Type", "application/json;charset=utf8")));
  EXPECT_EQ(post.body,
            IamPasswordTokenRequestBody("hss-reader", "my-account", kPassword, {"cn-north-4", ""}));
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  ASSERT_TRUE(out->has_value() && (*out)->ok());
  EXPECT_EQ(AuthToken(out), "secret-token-1");

  // Cached: no further IAM call.
  out = Authorize(*credentials);
  ASSERT_TRUE(out->has_value() && (*out)->ok());
  EXPECT_EQ(AuthToken(out), "secret-token-1");
  EXPECT_EQ(transport_->started(), 1u);
  EXPECT_EQ(credentials->token_requests(), 1);
}

TEST_F(IamTokenCredentialsTest, ConcurrentCallsDuringAFetchMakeOneIamCall) {
  auto credentials = Make();
  std::vector<std::shared_ptr<std::optional<absl::StatusOr<HttpRequest>>>> outs;
  for (int i = 0; i < 50; ++i) outs.push_back(Authorize(*credentials));
  EXPECT_EQ(transport_->started(), 1u);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  for (const auto& out : outs) {
    ASSERT_TRUE(out->has_value() && (*out)->ok());
    EXPECT_EQ(AuthToken(out), "secret-token-1");
  }
  EXPECT_EQ(transport_->started(), 1u);
}

TEST_F(IamTokenCredentialsTest, ConcurrentThreadsShareOneIamCall) {
  auto credentials = Make();
  std::atomic<int> authorized{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        HttpRequest request;
        request.url = "https://hss.example.com/v5/p/asset/ports";
        credentials->Authorize(std::move(request), CallContext{},
                               [&authorized](absl::StatusOr<HttpRequest> r) {
                                 if (r.ok() && AuthToken(*r) == "secret-token-1") ++authorized;
                               });
      }
    });
  }
  while (transport_->pending() == 0) std::this_thread::yield();
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24), "p"));
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(authorized.load(), 800);
  EXPECT_EQ(transport_->started(), 1u);
}

TEST_F(IamTokenCredentialsTest, RefreshesInTheBackgroundBeforeExpiry) {
  auto credentials = Make();
  auto first = Authorize(*credentials);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));

  now_ += absl::Hours(19);  // < 80% of 24 h: no refresh yet
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-1");
  EXPECT_EQ(transport_->started(), 1u);

  now_ += absl::Minutes(13);  // past 80% (19.2 h)
  std::vector<std::shared_ptr<std::optional<absl::StatusOr<HttpRequest>>>> outs;
  for (int i = 0; i < 10; ++i) outs.push_back(Authorize(*credentials));
  for (const auto& out : outs) {
    ASSERT_TRUE(out->has_value()) << "calls go on with the valid token";
    EXPECT_EQ(AuthToken(out), "secret-token-1");
  }
  EXPECT_EQ(transport_->started(), 2u) << "exactly one background refresh";
  transport_->Answer(TokenResponse("secret-token-2", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-2");
  EXPECT_EQ(transport_->started(), 2u);
}

TEST_F(IamTokenCredentialsTest, ShortLivedTokensRefreshWithinFiveMinutesOfExpiry) {
  auto credentials = Make();
  Authorize(*credentials);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Minutes(20)));
  now_ += absl::Minutes(14);  // 70%, more than 5 min left
  Authorize(*credentials);
  EXPECT_EQ(transport_->started(), 1u);
  now_ += absl::Minutes(1) + absl::Seconds(1);  // less than 5 min left
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-1");
  EXPECT_EQ(transport_->started(), 2u);
}

TEST_F(IamTokenCredentialsTest, ExpiredTokenMakesCallsWait) {
  auto credentials = Make();
  Authorize(*credentials);
  // The IAM clock is an hour off: lifetimes are dated by the local clock.
  transport_->Answer(TokenResponse("secret-token-1", now_ - absl::Hours(1), absl::Hours(24)));
  now_ += absl::Hours(24);
  auto a = Authorize(*credentials);
  auto b = Authorize(*credentials);
  EXPECT_FALSE(a->has_value());
  EXPECT_FALSE(b->has_value());
  EXPECT_EQ(transport_->started(), 2u);
  transport_->Answer(TokenResponse("secret-token-2", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(a), "secret-token-2");
  EXPECT_EQ(AuthToken(b), "secret-token-2");
}

struct FailureCase {
  const char* name;
  absl::StatusOr<HttpResponse> outcome;
  absl::StatusCode code;
  const char* reason;
};

class IamFailureTest : public IamTokenCredentialsTest,
                       public ::testing::WithParamInterface<FailureCase> {};

TEST_P(IamFailureTest, MapsToAClearStatus) {
  auto credentials = Make();
  auto out = Authorize(*credentials);
  transport_->Answer(GetParam().outcome);
  ASSERT_TRUE(out->has_value());
  ASSERT_FALSE((*out)->ok());
  statuses_.push_back((*out)->status());
  EXPECT_EQ((*out)->status().code(), GetParam().code) << (*out)->status();
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), GetParam().reason);
  EXPECT_THAT((*out)->status().message(), HasSubstr(kIam));
  ExpectNoSecrets();
}

INSTANTIATE_TEST_SUITE_P(
    Table, IamFailureTest,
    ::testing::Values(
        FailureCase{"unreachable",
                    MakeError(absl::StatusCode::kUnavailable, "could not connect to HSS at x",
                              "UPSTREAM_UNREACHABLE"),
                    absl::StatusCode::kUnavailable, "IAM_UNAVAILABLE"},
        FailureCase{"timeout",
                    MakeError(absl::StatusCode::kUnavailable, "timed out", "UPSTREAM_TIMEOUT"),
                    absl::StatusCode::kUnavailable, "IAM_UNAVAILABLE"},
        FailureCase{"unauthorized",
                    MakeHttpResponse(401, R"({"error":{"code":401,"message":"The username or )"
                                          R"(password is wrong.","title":"Unauthorized"}})"),
                    absl::StatusCode::kInternal, "UPSTREAM_CREDENTIALS_REJECTED"},
        FailureCase{"forbidden",
                    MakeHttpResponse(403, R"({"error_code":"IAM.0007","error_msg":"locked"})"),
                    absl::StatusCode::kInternal, "UPSTREAM_CREDENTIALS_REJECTED"},
        FailureCase{"bad_request", MakeHttpResponse(400, R"({"error_code":"IAM.0011"})"),
                    absl::StatusCode::kInternal, "IAM_REQUEST_REJECTED"},
        FailureCase{"throttled", MakeHttpResponse(429, ""), absl::StatusCode::kUnavailable,
                    "IAM_UNAVAILABLE"},
        FailureCase{"server_error", MakeHttpResponse(500, "oops"), absl::StatusCode::kUnavailable,
                    "IAM_UNAVAILABLE"},
        FailureCase{"bad_gateway", MakeHttpResponse(503, ""), absl::StatusCode::kUnavailable,
                    "IAM_UNAVAILABLE"},
        FailureCase{"no_token_header", MakeHttpResponse(201, "{}"), absl::StatusCode::kInternal,
                    "IAM_MALFORMED_RESPONSE"}),
    [](const ::testing::TestParamInfo<FailureCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST_F(IamTokenCredentialsTest, RejectionNamesTheUserAndTheFix) {
  auto credentials = Make();
  auto out = Authorize(*credentials);
  transport_->Answer(MakeHttpResponse(401, R"({"error":{"code":401,"message":"wrong"}})",
                                      {{"X-Request-Id", "req-1"}}));
  const absl::Status& s = (*out)->status();
  EXPECT_THAT(s.message(), AllOf(HasSubstr("hss-reader"), HasSubstr("my-account"),
                                 HasSubstr("--iam_password_file"), HasSubstr("req-1"),
                                 HasSubstr("rejected the gateway's own credentials")));
  EXPECT_EQ(GetErrorInfo(s)->metadata().at("httpStatus"), "401");
  ASSERT_TRUE(GetRequestInfo(s).has_value());
  statuses_.push_back(s);
  ExpectNoSecrets();
}

TEST_F(IamTokenCredentialsTest, FailuresAreRememberedSoIamIsNotHammered) {
  auto credentials = Make();
  auto out = Authorize(*credentials);
  transport_->Answer(MakeHttpResponse(401, "{}"));
  EXPECT_EQ(transport_->started(), 1u);
  for (int i = 0; i < 5; ++i) {
    out = Authorize(*credentials);
    ASSERT_TRUE(out->has_value());
    EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "UPSTREAM_CREDENTIALS_REJECTED");
  }
  EXPECT_EQ(transport_->started(), 1u) << "a rejection holds for a minute";
  now_ += absl::Seconds(61);
  out = Authorize(*credentials);
  EXPECT_FALSE(out->has_value());
  EXPECT_EQ(transport_->started(), 2u);
  transport_->Answer(MakeHttpResponse(503, ""));
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kUnavailable);
  now_ += absl::Seconds(4);
  EXPECT_EQ(Authorize(*credentials)->value().status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(transport_->started(), 2u);
  now_ += absl::Seconds(1);
  out = Authorize(*credentials);
  EXPECT_EQ(transport_->started(), 3u) << "an outage holds for 5 s";
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(out), "secret-token-1");
  EXPECT_THAT(logs_, ::testing::SizeIs(2));
  ExpectNoSecrets();
}

TEST_F(IamTokenCredentialsTest, AFailedBackgroundRefreshKeepsTheValidToken) {
  auto credentials = Make();
  Authorize(*credentials);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  now_ += absl::Hours(20);
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-1");
  transport_->Answer(MakeHttpResponse(502, ""));
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-1");
  EXPECT_EQ(transport_->started(), 2u);
  ASSERT_EQ(logs_.size(), 1u);
  EXPECT_THAT(logs_[0], HasSubstr("go on with the current token"));
  now_ += absl::Seconds(5);
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-1");
  EXPECT_EQ(transport_->started(), 3u) << "retried after the back-off";
  ExpectNoSecrets();
}

TEST_F(IamTokenCredentialsTest, AnUnreadablePasswordFailsWithoutCallingIam) {
  password_error_ = absl::FailedPreconditionError("IAM password file /p is accessible by others");
  auto credentials = Make();
  auto out = Authorize(*credentials);
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "IAM_PASSWORD_UNAVAILABLE");
  EXPECT_THAT((*out)->status().message(), HasSubstr("/p is accessible"));
  EXPECT_EQ(transport_->started(), 0u);
}

TEST_F(IamTokenCredentialsTest, OnTokenRejectedDropsTheTokenOnce) {
  auto credentials = Make();
  Authorize(*credentials);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  auto sent = Authorize(*credentials);
  HttpRequest unauthenticated;
  EXPECT_FALSE(credentials->OnTokenRejected(unauthenticated));
  // Many calls rejected at once: one refresh.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(credentials->OnTokenRejected(***sent));
  auto a = Authorize(*credentials);
  auto b = Authorize(*credentials);
  EXPECT_FALSE(a->has_value());
  EXPECT_EQ(transport_->started(), 2u);
  transport_->Answer(TokenResponse("secret-token-2", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(a), "secret-token-2");
  EXPECT_EQ(AuthToken(b), "secret-token-2");
  // A late rejection of the old token leaves the new one alone.
  EXPECT_TRUE(credentials->OnTokenRejected(***sent));
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-2");
  EXPECT_EQ(transport_->started(), 2u);
}

TEST_F(IamTokenCredentialsTest, OneTokenPerProjectScope) {
  auto credentials = Make();
  const std::string other = "https://hss.example.com/v5/other-project/asset/ports?host_id=h";
  auto first = Authorize(*credentials, other);
  ASSERT_EQ(transport_->started(), 1u);
  EXPECT_THAT(transport_->front().body, HasSubstr(R"("scope":{"project":{"name":"cn-north-4"})"));
  transport_->Answer(TokenResponse("secret-token-default", now_, absl::Hours(24)));
  // The default scope is another project: this call needs a token of its own.
  EXPECT_FALSE(first->has_value());
  ASSERT_EQ(transport_->started(), 2u);
  EXPECT_THAT(transport_->front().body, HasSubstr(R"("scope":{"project":{"id":"other-project"})"));
  transport_->Answer(TokenResponse("secret-token-other", now_, absl::Hours(24), "other-project"));
  EXPECT_EQ(AuthToken(first), "secret-token-other");

  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-default");
  EXPECT_EQ(AuthToken(Authorize(*credentials, other)), "secret-token-other");
  EXPECT_EQ(AuthToken(Authorize(*credentials, "https://iam.example.com/v3/projects")),
            "secret-token-default");
  EXPECT_EQ(transport_->started(), 2u);
}

TEST_F(IamTokenCredentialsTest, ProjectScopesAreCapped) {
  max_scopes_ = 2;
  auto credentials = Make();
  Authorize(*credentials);
  transport_->Answer(TokenResponse("secret-token-default", now_, absl::Hours(24)));
  auto p1 = Authorize(*credentials, "https://hss.example.com/v5/p1/asset/ports");
  transport_->Answer(TokenResponse("secret-token-p1", now_, absl::Hours(24), "p1"));
  EXPECT_EQ(AuthToken(p1), "secret-token-p1");
  auto p2 = Authorize(*credentials, "https://hss.example.com/v5/p2/asset/ports");
  ASSERT_TRUE(p2->has_value());
  EXPECT_EQ((*p2)->status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetErrorInfo((*p2)->status())->reason(), "TOO_MANY_PROJECTS");
  EXPECT_EQ(transport_->started(), 2u);
  EXPECT_EQ(AuthToken(Authorize(*credentials, "https://hss.example.com/v5/p1/asset/ports")),
            "secret-token-p1");
}

}  // namespace
}  // namespace hss::gateway
