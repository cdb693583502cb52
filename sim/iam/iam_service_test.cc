// The simulated IAM, the --auth=iam mode and the AK lock-out, through SimService::Handle.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/aksk_signer.h"
#include "rapidjson/document.h"
#include "sim/iam/iam_request.h"
#include "sim/sim_service.h"

namespace hss::sim {
namespace {

constexpr int64_t kNowMs = 1'717'200'000'000;  // 2024-06-01T00:00:00Z.
constexpr char kPassword[] = "Pa55-word-never-logged";
constexpr char kAk[] = "LOCKAK0001";
constexpr char kSk[] = "lock-sk-never-logged";

class IamServiceTest : public ::testing::Test {
 protected:
  static SimConfig Config() {
    SimConfig config;
    config.hosts = {{"h1", Category::kHost, 25}};
    config.auth.mode = AuthMode::kIam;
    config.auth.access_key = kAk;
    config.auth.secret_key = kSk;
    config.iam.users = {{"alice", "acme"}, {"bob", "corp"}};
    config.iam.password = kPassword;
    config.iam.projects = {
        {"cn-north-4", "p-cn4"}, {"ap-southeast-1", "p-ap1"}, {"twice", "p-t1"}, {"twice", "p-t2"}};
    config.iam.token_lifetime_ms = 2000;
    return config;
  }

  void Start(SimConfig config = Config()) {
    service_ = std::make_unique<SimService>(
        std::move(config), SimClock{[this] { return wall_ms_; }, [this] { return monotonic_ms_; }});
  }

  SimHttpResponse Call(const std::string& method, const std::string& target,
                       std::vector<HttpHeader> headers = {}, std::string body = "") {
    SimHttpRequest request;
    request.method = method;
    request.target = target;
    request.headers = std::move(headers);
    request.body = std::move(body);
    request.remote_addr = "127.0.0.1";
    return service_->Handle(request);
  }

  static std::string TokenBody(const std::string& user, const std::string& domain,
                               const std::string& password, const std::string& scope) {
    return R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":")" + user +
           R"(","password":")" + password + R"(","domain":{"name":")" + domain +
           R"("}}}},"scope":{"project":)" + scope + "}}}";
  }

  SimHttpResponse PostToken(const std::string& body) {
    return Call("POST", "/v3/auth/tokens", {{"Content-Type", "application/json;charset=utf8"}},
                body);
  }

  // A token for alice scoped to cn-north-4.
  std::string Token() {
    const SimHttpResponse response =
        PostToken(TokenBody("alice", "acme", kPassword, R"({"name":"cn-north-4"})"));
    EXPECT_EQ(response.status, 201) << response.body;
    const std::string* token = response.FindHeader("X-Subject-Token");
    return token == nullptr ? "" : *token;
  }

  // Signed headers for GET `path` with `query` (signature by `sk`).
  std::vector<HttpHeader> Sign(const std::string& path, const std::vector<QueryParam>& query,
                               const std::string& sk) {
    SigningRequest request;
    request.method = "GET";
    request.path = path;
    request.query = query;
    request.headers = {{"Host", "127.0.0.1:8080"}, {"X-Sdk-Date", FormatSdkDate(wall_ms_ / 1000)}};
    std::vector<HttpHeader> headers = request.headers;
    headers.emplace_back("Authorization", AuthorizationHeader(request, kAk, sk));
    return headers;
  }

  static rapidjson::Document Json(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str(), body.size());
    EXPECT_FALSE(doc.HasParseError()) << body;
    return doc;
  }

  static std::string ErrorCode(const SimHttpResponse& response) {
    rapidjson::Document doc = Json(response.body);
    return doc.IsObject() && doc.HasMember("error_code") ? doc["error_code"].GetString() : "";
  }

  int64_t wall_ms_ = kNowMs;
  int64_t monotonic_ms_ = 1000;
  std::unique_ptr<SimService> service_;
};

TEST_F(IamServiceTest, IssuesTokensThePortsApiAcceptsUntilTheyExpire) {
  Start();
  const SimHttpResponse issued =
      PostToken(TokenBody("alice", "acme", kPassword, R"({"name":"cn-north-4"})"));
  ASSERT_EQ(issued.status, 201) << issued.body;
  ASSERT_NE(issued.FindHeader("X-Subject-Token"), nullptr);
  const std::string token = *issued.FindHeader("X-Subject-Token");
  EXPECT_TRUE(token.starts_with(kSimTokenPrefix));
  EXPECT_NE(issued.FindHeader("X-Request-Id"), nullptr);
  rapidjson::Document doc = Json(issued.body);
  const auto& t = doc["token"];
  EXPECT_STREQ(t["issued_at"].GetString(), "2024-06-01T00:00:00.000000Z");
  EXPECT_STREQ(t["expires_at"].GetString(), "2024-06-01T00:00:02.000000Z");
  ASSERT_EQ(t["methods"].Size(), 1u);
  EXPECT_STREQ(t["methods"][0].GetString(), "password");
  EXPECT_STREQ(t["project"]["id"].GetString(), "p-cn4");
  EXPECT_STREQ(t["project"]["name"].GetString(), "cn-north-4");
  EXPECT_STREQ(t["project"]["domain"]["name"].GetString(), "acme");
  EXPECT_STREQ(t["user"]["name"].GetString(), "alice");
  EXPECT_STREQ(t["user"]["domain"]["name"].GetString(), "acme");
  EXPECT_EQ(issued.body.find(kPassword), std::string::npos);
  EXPECT_EQ(issued.body.find(token), std::string::npos);

  const std::string target = "/v5/p-cn4/asset/ports?host_id=h1";
  EXPECT_EQ(Call("GET", target, {{"X-Auth-Token", token}}).status, 200);
  wall_ms_ += 1999;
  EXPECT_EQ(Call("GET", target, {{"X-Auth-Token", token}}).status, 200);
  wall_ms_ += 1;
  SimHttpResponse expired = Call("GET", target, {{"X-Auth-Token", token}});
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(ErrorCode(expired), "APIG.0307");
  EXPECT_STREQ(Json(expired.body)["error_msg"].GetString(), "The token expires.");

  SimHttpResponse unknown = Call("GET", target, {{"X-Auth-Token", token + "x"}});
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(ErrorCode(unknown), "APIG.0301");
  SimHttpResponse missing = Call("GET", target);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(ErrorCode(missing), "APIG.0301");
  EXPECT_NE(missing.body.find("x-auth-token not found"), std::string::npos);

  // Expiring every token at once (control API).
  const std::string fresh = Token();
  EXPECT_EQ(Call("GET", target, {{"X-Auth-Token", fresh}}).status, 200);
  EXPECT_EQ(Call("POST", "/_sim/iam/tokens/expire").body, "{\"expired\":1}");
  EXPECT_EQ(ErrorCode(Call("GET", target, {{"X-Auth-Token", fresh}})), "APIG.0307");
  EXPECT_EQ(Call("DELETE", "/_sim/iam/tokens").status, 200);
  EXPECT_EQ(ErrorCode(Call("GET", target, {{"X-Auth-Token", fresh}})), "APIG.0301");
}

TEST_F(IamServiceTest, RejectsWrongCredentialsAndBadBodies) {
  Start();
  const std::string wrong =
      R"({"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}})";
  for (const std::string& body :
       {TokenBody("alice", "acme", "nope", R"({"name":"cn-north-4"})"),
        TokenBody("alice", "corp", kPassword, R"({"name":"cn-north-4"})"),
        TokenBody("mallory", "acme", kPassword, R"({"name":"cn-north-4"})")}) {
    const SimHttpResponse response = PostToken(body);
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.body, wrong);
    EXPECT_EQ(response.FindHeader("X-Subject-Token"), nullptr);
  }
  for (const std::string& body :
       {std::string("{"), std::string("{}"),
        TokenBody("alice", "acme", kPassword, R"({"name":"cn-north-4","id":"p-cn4"})")}) {
    const SimHttpResponse response = PostToken(body);
    EXPECT_EQ(response.status, 400) << body;
    rapidjson::Document doc = Json(response.body);
    EXPECT_EQ(doc["error"]["code"].GetInt(), 400);
    EXPECT_STREQ(doc["error"]["title"].GetString(), "Bad Request");
    EXPECT_EQ(response.body.find(kPassword), std::string::npos);
  }
  const SimHttpResponse unknown_project =
      PostToken(TokenBody("alice", "acme", kPassword, R"({"name":"eu-west-0"})"));
  EXPECT_EQ(unknown_project.status, 400);
  EXPECT_NE(unknown_project.body.find("eu-west-0"), std::string::npos);
  // Scope by id; a second user.
  const SimHttpResponse by_id = PostToken(TokenBody("bob", "corp", kPassword, R"({"id":"p-ap1"})"));
  ASSERT_EQ(by_id.status, 201) << by_id.body;
  EXPECT_STREQ(Json(by_id.body)["token"]["project"]["name"].GetString(), "ap-southeast-1");
  // Other methods on the IAM paths are unknown APIs.
  EXPECT_EQ(Call("GET", "/v3/auth/tokens").status, 404);
}

TEST_F(IamServiceTest, WithoutProjectsAnyScopeIsAccepted) {
  SimConfig config = Config();
  config.iam.projects.clear();
  Start(config);
  SimHttpResponse by_name = PostToken(TokenBody("alice", "acme", kPassword, R"({"name":"r1"})"));
  ASSERT_EQ(by_name.status, 201);
  EXPECT_EQ(Json(by_name.body)["token"]["project"]["id"].GetString(), SyntheticId("project", "r1"));
  SimHttpResponse by_id = PostToken(TokenBody("alice", "acme", kPassword, R"({"id":"x1"})"));
  ASSERT_EQ(by_id.status, 201);
  EXPECT_STREQ(Json(by_id.body)["token"]["project"]["id"].GetString(), "x1");
  const std::string token = *by_id.FindHeader("X-Subject-Token");
  const SimHttpResponse projects = Call("GET", "/v3/projects?name=r1", {{"X-Auth-Token", token}});
  EXPECT_EQ(projects.status, 200);
  EXPECT_EQ(projects.body, "{\"projects\":[]}");
}

TEST_F(IamServiceTest, ListsProjectsForTokensAndSignatures) {
  Start();
  const std::string token = Token();
  SimHttpResponse one = Call("GET", "/v3/projects?name=cn-north-4", {{"X-Auth-Token", token}});
  ASSERT_EQ(one.status, 200) << one.body;
  rapidjson::Document doc = Json(one.body);
  ASSERT_EQ(doc["projects"].Size(), 1u);
  EXPECT_STREQ(doc["projects"][0]["id"].GetString(), "p-cn4");
  EXPECT_STREQ(doc["projects"][0]["name"].GetString(), "cn-north-4");
  EXPECT_EQ(doc["projects"][0]["domain_id"].GetString(), SyntheticId("domain", "acme"));

  EXPECT_EQ(Json(Call("GET", "/v3/projects?name=twice", {{"X-Auth-Token", token}}).body)["projects"]
                .Size(),
            2u);
  EXPECT_EQ(Json(Call("GET", "/v3/projects?name=none", {{"X-Auth-Token", token}}).body)["projects"]
                .Size(),
            0u);
  EXPECT_EQ(Json(Call("GET", "/v3/projects", {{"X-Auth-Token", token}}).body)["projects"].Size(),
            4u);

  const std::vector<QueryParam> query = {{"name", "ap-southeast-1"}};
  SimHttpResponse signed_call =
      Call("GET", "/v3/projects?name=ap-southeast-1", Sign("/v3/projects", query, kSk));
  ASSERT_EQ(signed_call.status, 200) << signed_call.body;
  EXPECT_STREQ(Json(signed_call.body)["projects"][0]["id"].GetString(), "p-ap1");

  SimHttpResponse bad_signature =
      Call("GET", "/v3/projects?name=ap-southeast-1", Sign("/v3/projects", query, "wrong"));
  EXPECT_EQ(bad_signature.status, 401);
  EXPECT_EQ(ErrorCode(bad_signature), "APIG.0301");
  EXPECT_EQ(Call("GET", "/v3/projects").status, 401);
  EXPECT_EQ(Call("GET", "/v3/projects", {{"X-Auth-Token", "MIIsim-forged"}}).status, 401);
  wall_ms_ += 2000;
  EXPECT_EQ(ErrorCode(Call("GET", "/v3/projects", {{"X-Auth-Token", token}})), "APIG.0307");
}

TEST_F(IamServiceTest, LogsAndCountsIamRequestsWithoutSecrets) {
  Start();
  const std::string token = Token();
  PostToken(TokenBody("alice", "acme", "wrong-password-also-secret", R"({"id":"p-cn4"})"));
  Call("GET", "/v3/projects?name=cn-north-4", {{"X-Auth-Token", token}});
  Call("GET", "/v5/p-cn4/asset/ports?host_id=h1", {{"X-Auth-Token", token}});

  const std::string log = service_->request_log().ToJson();
  EXPECT_EQ(log.find(kPassword), std::string::npos);
  EXPECT_EQ(log.find("wrong-password-also-secret"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);
  rapidjson::Document doc = Json(log);
  ASSERT_EQ(doc.Size(), 4u);
  EXPECT_STREQ(doc[0]["path"].GetString(), "/v3/auth/tokens");
  EXPECT_STREQ(doc[0]["method"].GetString(), "POST");
  EXPECT_STREQ(doc[0]["auth"].GetString(), "password");
  EXPECT_EQ(doc[0]["status"].GetInt(), 201);
  EXPECT_STREQ(doc[0]["iam"]["user"].GetString(), "alice");
  EXPECT_STREQ(doc[0]["iam"]["scope_project_name"].GetString(), "cn-north-4");
  EXPECT_STREQ(doc[0]["iam"]["outcome"].GetString(), "issued");
  EXPECT_STREQ(doc[1]["iam"]["scope_project_id"].GetString(), "p-cn4");
  EXPECT_STREQ(doc[1]["iam"]["outcome"].GetString(), "wrong_credentials");
  EXPECT_EQ(doc[1]["status"].GetInt(), 401);
  EXPECT_STREQ(doc[2]["path"].GetString(), "/v3/projects");
  EXPECT_STREQ(doc[2]["query"]["name"].GetString(), "cn-north-4");
  EXPECT_STREQ(doc[2]["auth"].GetString(), "token");
  EXPECT_STREQ(doc[3]["path"].GetString(), "/v5/p-cn4/asset/ports");

  rapidjson::Document stats = Json(Call("GET", "/_sim/stats").body);
  EXPECT_EQ(stats["requests"].GetInt(), 1);  // HSS API only.
  EXPECT_EQ(stats["iam"]["token_requests"].GetInt(), 2);
  EXPECT_EQ(stats["iam"]["tokens_issued"].GetInt(), 1);
  EXPECT_EQ(stats["iam"]["token_failures"].GetInt(), 1);
  EXPECT_EQ(stats["iam"]["token_in_flight"].GetInt(), 0);
  EXPECT_EQ(stats["iam"]["token_max_in_flight"].GetInt(), 1);
  EXPECT_EQ(stats["iam"]["project_requests"].GetInt(), 1);

  const std::string info = Call("GET", "/_sim/info").body;
  EXPECT_EQ(info.find(kPassword), std::string::npos);
  EXPECT_EQ(info.find(kSk), std::string::npos);
  rapidjson::Document info_doc = Json(info);
  EXPECT_STREQ(info_doc["auth"].GetString(), "iam");
  EXPECT_STREQ(info_doc["iam"]["users"][0].GetString(), "alice@acme");
  EXPECT_EQ(info_doc["iam"]["token_lifetime_ms"].GetInt(), 2000);
}

TEST_F(IamServiceTest, RecordsConcurrentTokenRequests) {
  SimConfig config = Config();
  config.iam.latency_ms = 200;
  Start(config);
  Token();
  EXPECT_EQ(service_->stats().iam_token_max_in_flight(), 1);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([this] { Token(); });
  for (std::thread& thread : threads) thread.join();
  EXPECT_GE(service_->stats().iam_token_max_in_flight(), 2);
  EXPECT_EQ(service_->stats().iam_token_requests(), 4u);
  EXPECT_EQ(Call("DELETE", "/_sim/stats").status, 200);
  EXPECT_EQ(service_->stats().iam_token_max_in_flight(), 0);
}

TEST_F(IamServiceTest, OnlyFaultRulesWithAPathPrefixApplyToIam) {
  Start();
  ASSERT_EQ(Call("POST", "/_sim/faults", {}, R"({"status":503})").status, 200);
  const std::string token = Token();  // Not affected.
  EXPECT_EQ(Call("GET", "/v5/p-cn4/asset/ports?host_id=h1", {{"X-Auth-Token", token}}).status, 503);
  EXPECT_EQ(Call("GET", "/v3/projects", {{"X-Auth-Token", token}}).status, 200);
  ASSERT_EQ(Call("DELETE", "/_sim/faults").status, 200);
  ASSERT_EQ(Call("POST", "/_sim/faults", {},
                 R"({"match":{"path_prefix":"/v3/auth/"},"times":1,"status":500})")
                .status,
            200);
  EXPECT_EQ(PostToken(TokenBody("alice", "acme", kPassword, R"({"name":"cn-north-4"})")).status,
            500);
  EXPECT_EQ(PostToken(TokenBody("alice", "acme", kPassword, R"({"name":"cn-north-4"})")).status,
            201);
  rapidjson::Document stats = Json(service_->stats().ToJson());
  EXPECT_EQ(stats["iam"]["tokens_issued"].GetInt(), 2);
  EXPECT_EQ(stats["iam"]["token_failures"].GetInt(), 1);
}

class LockoutTest : public IamServiceTest {
 protected:
  void SetUp() override {
    SimConfig config = Config();
    config.auth.mode = AuthMode::kAksk;
    config.aksk_lockout = {.max_failures = 5, .lock_ms = 300000};
    Start(config);
  }

  SimHttpResponse Ports(const std::string& sk) {
    const std::vector<QueryParam> query = {{"host_id", "h1"}};
    return Call("GET", "/v5/p/asset/ports?host_id=h1", Sign("/v5/p/asset/ports", query, sk));
  }
};

TEST_F(LockoutTest, SixBadSignaturesLockTheAkForFiveMinutes) {
  for (int i = 1; i <= 6; ++i) {
    const SimHttpResponse response = Ports("wrong-sk");
    EXPECT_EQ(response.status, 401);
    EXPECT_NE(response.body.find("signature mismatch"), std::string::npos) << i;
  }
  const SimHttpResponse locked = Ports(kSk);
  EXPECT_EQ(locked.status, 401);
  EXPECT_EQ(ErrorCode(locked), "APIG.0301");
  EXPECT_NE(locked.body.find("locked"), std::string::npos) << locked.body;
  EXPECT_EQ(locked.body.find(kAk), std::string::npos);
  // The lock covers IAM requests signed with the AK too.
  const std::vector<QueryParam> query = {{"name", "cn-north-4"}};
  EXPECT_NE(Call("GET", "/v3/projects?name=cn-north-4", Sign("/v3/projects", query, kSk))
                .body.find("locked"),
            std::string::npos);
  rapidjson::Document state = Json(Call("GET", "/_sim/aksk/lockout").body);
  EXPECT_EQ(state["locks"].GetInt(), 1);
  EXPECT_EQ(state["refused"].GetInt(), 2);
  EXPECT_EQ(state["keys"][kAk]["locked_for_ms"].GetInt(), 300000);

  monotonic_ms_ += 299'999;
  EXPECT_EQ(Ports(kSk).status, 401);
  monotonic_ms_ += 1;
  EXPECT_EQ(Ports(kSk).status, 200);
}

TEST_F(LockoutTest, ASuccessResetsTheCount) {
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5; ++i) EXPECT_EQ(Ports("wrong-sk").status, 401);
    EXPECT_EQ(Ports(kSk).status, 200) << round;
  }
}

TEST_F(LockoutTest, ControlApiAndResetUnlock) {
  for (int i = 0; i < 6; ++i) Ports("wrong-sk");
  EXPECT_EQ(Ports(kSk).status, 401);
  EXPECT_EQ(Call("DELETE", "/_sim/aksk/lockout").status, 200);
  EXPECT_EQ(Ports(kSk).status, 200);
  for (int i = 0; i < 6; ++i) Ports("wrong-sk");
  EXPECT_EQ(Ports(kSk).status, 401);
  EXPECT_EQ(Call("POST", "/_sim/reset").status, 200);
  EXPECT_EQ(Ports(kSk).status, 200);
}

}  // namespace
}  // namespace hss::sim
