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
#include "server/testing/counting_metrics_recorder.h"
#include "server/testing/fake_http_transport.h"
#include "server/testing/fake_scheduler.h"

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
    o.project_id = configured_project_id_;
    o.scheduler = scheduler_;
    o.clock = [this] { return now_; };
    o.log = [this](absl::string_view line) { logs_.emplace_back(line); };
    return IamTokenCredentials::Create(std::move(o), transport_);
  }

  // Starts Authorize for `url` and returns the slot its outcome lands in.
  std::shared_ptr<std::optional<absl::StatusOr<HttpRequest>>> Authorize(
      IamTokenCredentials& credentials,
      const std::string& url = absl::StrCat("https://hss.example.com/v5/", kDefaultProject,
                                            "/asset/ports?host_id=h"),
      const CallContext& context = CallContext{}) {
    auto out = std::make_shared<std::optional<absl::StatusOr<HttpRequest>>>();
    HttpRequest request;
    request.url = url;
    credentials.Authorize(std::move(request), context,
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
  std::string configured_project_id_;
  // Null unless a test sets one before Make().
  std::shared_ptr<FakeScheduler> scheduler_;
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

TEST_F(IamTokenCredentialsTest, RecordsEachTokenRequestAndItsFailures) {
  auto metrics = std::make_shared<CountingMetricsRecorder>();
  ScopedMetricsRecorder scoped(metrics);
  auto credentials = Make();
  Authorize(*credentials);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  now_ += absl::Hours(20);
  Authorize(*credentials);
  transport_->Answer(MakeHttpResponse(502, ""));  // The background refresh fails.
  EXPECT_EQ(metrics->iam(), (std::vector<bool>{true, false}));
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

std::string PortsUrl(absl::string_view project_id) {
  return absl::StrCat("https://hss.example.com/v5/", project_id, "/asset/ports?host_id=h");
}

TEST_F(IamTokenCredentialsTest, CallerProjectIdsNeverCauseIamLogins) {
  auto credentials = Make();
  // Junk ids that arrive before the configured scope's project is known wait
  // for its token, like everyone else: still one login.
  std::vector<Slot> early;
  for (int i = 0; i < 1000; ++i)
    early.push_back(Authorize(*credentials, PortsUrl(absl::StrCat("junk-early-", i))));
  auto normal = Authorize(*credentials);
  ASSERT_EQ(transport_->pending(), 1u);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(normal), "secret-token-1");
  for (int i = 0; i < 1000; ++i) {
    auto out = Authorize(*credentials, PortsUrl(absl::StrCat("junk-", i)));
    ASSERT_TRUE(out->has_value()) << i;
    ASSERT_FALSE((*out)->ok());
    EXPECT_EQ((*out)->status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "PROJECT_NOT_SERVED");
  }
  for (const Slot& out : early) {
    ASSERT_TRUE(out->has_value());
    EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "PROJECT_NOT_SERVED");
  }
  EXPECT_THAT((*early[0])->status().message(),
              AllOf(HasSubstr("junk-early-0"), HasSubstr("cn-north-4"), HasSubstr(kDefaultProject),
                    HasSubstr("--iam_project")));
  EXPECT_EQ(credentials->token_requests(), 1);
  EXPECT_EQ(transport_->started(), 1u);
  // The configured project still works, without TOO_MANY_PROJECTS.
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-1");
  EXPECT_EQ(AuthToken(Authorize(*credentials, "https://iam.example.com/v3/projects")),
            "secret-token-1");
  EXPECT_EQ(credentials->token_requests(), 1);
}

TEST_F(IamTokenCredentialsTest, AConfiguredProjectIdGetsATokenOfItsOwn) {
  configured_project_id_ = "sub-project";
  auto credentials = Make();
  auto sub = Authorize(*credentials, PortsUrl("sub-project"));
  transport_->Answer(TokenResponse("secret-token-default", now_, absl::Hours(24)));
  ASSERT_EQ(transport_->pending(), 1u);
  EXPECT_THAT(transport_->front().body, HasSubstr(R"("scope":{"project":{"id":"sub-project"})"));
  transport_->Answer(TokenResponse("secret-token-sub", now_, absl::Hours(24), "sub-project"));
  EXPECT_EQ(AuthToken(sub), "secret-token-sub");
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(
        GetErrorInfo(Authorize(*credentials, PortsUrl(absl::StrCat("x", i)))->value().status())
            ->reason(),
        "PROJECT_NOT_SERVED");
  }
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-default");
  EXPECT_EQ(AuthToken(Authorize(*credentials, PortsUrl("sub-project"))), "secret-token-sub");
  EXPECT_EQ(credentials->token_requests(), 2);
}

TEST_F(IamTokenCredentialsTest, ReadsThePasswordOnTheSchedulerNotInAuthorize) {
  scheduler_ = std::make_shared<FakeScheduler>();
  int reads = 0;
  auto credentials = [&] {
    IamTokenCredentialsOptions o;
    o.iam_endpoint = kIam;
    o.user = "hss-reader";
    o.domain = "my-account";
    o.project = "cn-north-4";
    o.password = [&reads]() -> absl::StatusOr<std::string> {
      ++reads;
      return std::string(kPassword);
    };
    o.scheduler = scheduler_;
    o.clock = [this] { return now_; };
    o.log = [this](absl::string_view line) { logs_.emplace_back(line); };
    return IamTokenCredentials::Create(std::move(o), transport_);
  }();
  auto out = Authorize(*credentials);
  EXPECT_EQ(reads, 0) << "Authorize must not read the password file";
  EXPECT_EQ(transport_->started(), 0u);
  scheduler_->RunDue();
  EXPECT_EQ(reads, 1);
  ASSERT_EQ(transport_->started(), 1u);
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(out), "secret-token-1");
  // A background refresh reads it on the scheduler too.
  now_ += absl::Hours(20);
  EXPECT_EQ(AuthToken(Authorize(*credentials)), "secret-token-1");
  EXPECT_EQ(reads, 1);
  scheduler_->RunDue();
  EXPECT_EQ(reads, 2);
  EXPECT_EQ(transport_->started(), 2u);
}

TEST_F(IamTokenCredentialsTest, ACancelledWaiterIsReleasedAtOnce) {
  auto credentials = Make();
  CallContext cancelled_call;
  auto a = Authorize(*credentials, PortsUrl(kDefaultProject), cancelled_call);
  auto b = Authorize(*credentials);
  EXPECT_FALSE(a->has_value());
  cancelled_call.cancellation->Cancel();
  ASSERT_TRUE(a->has_value()) << "released when its caller cancels";
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(GetErrorInfo((*a)->status())->reason(), "CANCELLED");
  EXPECT_FALSE(b->has_value());
  ASSERT_EQ(transport_->pending(), 1u) << "the shared IAM request goes on";
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(b), "secret-token-1");
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kCancelled);

  // A call cancelled before it asks waits for nothing.
  now_ += absl::Hours(25);
  auto c = Authorize(*credentials, PortsUrl(kDefaultProject), cancelled_call);
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->status().code(), absl::StatusCode::kCancelled);
}

TEST_F(IamTokenCredentialsTest, AWaiterWhoseDeadlinePassesGetsDeadlineExceeded) {
  scheduler_ = std::make_shared<FakeScheduler>(now_);
  auto credentials = Make();
  CallContext short_call;
  short_call.deadline = now_ + absl::Seconds(2);
  auto a = Authorize(*credentials, PortsUrl(kDefaultProject), short_call);
  auto b = Authorize(*credentials);
  scheduler_->RunDue();  // sends the token request
  ASSERT_EQ(transport_->pending(), 1u);
  scheduler_->AdvanceBy(absl::Seconds(1));
  EXPECT_FALSE(a->has_value());
  scheduler_->AdvanceBy(absl::Seconds(1));
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(b->has_value());
  transport_->Answer(TokenResponse("secret-token-1", now_, absl::Hours(24)));
  EXPECT_EQ(AuthToken(b), "secret-token-1");
  EXPECT_EQ(scheduler_->pending_timers(), 0u) << "no timer outlives its waiter";
}

TEST(ParseIamTokenResponseNesting, ADeeplyNestedBodyCannotOverflowTheStack) {
  const std::string body = absl::StrCat(std::string(200000, '['), std::string(200000, ']'));
  auto token =
      ParseIamTokenResponse(MakeHttpResponse(201, body, {{"X-Subject-Token", "secret-token-1"}}),
                            absl::FromUnixSeconds(1'700'000'000));
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->token, "secret-token-1");
  EXPECT_EQ(token->project_id, "");
}

TEST(IamFailureStatus, NeverShowsTheUserInfoOfTheEndpoint) {
  const absl::Status unreachable =
      IamFailureStatus(absl::UnavailableError("refused"), "https://user:secret@iam.example:8443",
                       "a token", "the gateway", "check it");
  const HttpResponse rejected{.status = 401, .body = "{}"};
  const absl::Status refused = IamFailureStatus(rejected, "https://user:secret@iam.example:8443",
                                                "a token", "the gateway", "check it");
  for (const absl::Status& s : {unreachable, refused}) {
    EXPECT_THAT(std::string(s.message()), HasSubstr("https://iam.example:8443")) << s;
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("secret"))) << s;
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("user:"))) << s;
  }
}

}  // namespace
}  // namespace hss::gateway
