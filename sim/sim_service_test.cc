#include "sim/sim_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "common/aksk_signer.h"
#include "rapidjson/document.h"
#include "sim/data/port_json.h"
#include "sim/data/port_query.h"

namespace hss::sim {
namespace {

constexpr int64_t kNowMs = 1'717'200'000'000;  // 2024-06-01T00:00:00Z.

class SimServiceTest : public ::testing::Test {
 protected:
  void Start(SimConfig config) {
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

  SimHttpResponse Get(const std::string& target, std::vector<HttpHeader> headers = {}) {
    return Call("GET", target, std::move(headers));
  }

  static rapidjson::Document Json(const SimHttpResponse& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.c_str(), response.body.size());
    EXPECT_FALSE(doc.HasParseError()) << response.body;
    return doc;
  }

  static std::string ErrorCode(const SimHttpResponse& response) {
    rapidjson::Document doc = Json(response);
    return doc.IsObject() && doc.HasMember("error_code") ? doc["error_code"].GetString() : "";
  }

  int64_t wall_ms_ = kNowMs;
  int64_t monotonic_ms_ = 1000;
  std::unique_ptr<SimService> service_;
};

SimConfig WithHosts() {
  SimConfig config;
  config.seed = 3;
  config.hosts = {{"h1", Category::kHost, 25}, {"big", Category::kHost, 1'000'000}};
  return config;
}

TEST_F(SimServiceTest, AnswersTheExpectedPage) {
  Start(WithHosts());
  const SimHttpResponse response = Get("/v5/proj/asset/ports?host_id=h1&limit=10&offset=20");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/json;charset=UTF-8");
  EXPECT_EQ(response.delivery, Delivery::kNormal);
  EXPECT_EQ(response.body,
            ListPortsJson(QueryPorts(HostKey{3, "h1", Category::kHost}, 25, {}, 20, 10)));
  const std::string* id = response.FindHeader("X-Request-Id");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->size(), 32u);
  EXPECT_EQ(id->find_first_not_of("0123456789abcdef"), std::string::npos);

  const SimHttpResponse big = Get("/v5/proj/asset/ports?host_id=big&limit=200&offset=999900");
  EXPECT_EQ(big.body, ListPortsJson(QueryPorts(HostKey{3, "big", Category::kHost}, 1'000'000, {},
                                               999900, 200)));
}

TEST_F(SimServiceTest, DecodesTheQuery) {
  Start(WithHosts());
  const SimHttpResponse response =
      Get("/v5/p/asset/ports?host_id=a%20b%2F%E6%95%B0&category=container&type=TCP");
  ASSERT_EQ(response.status, 200) << response.body;
  const HostKey key{3, "a b/数", Category::kContainer};
  EXPECT_EQ(response.body, ListPortsJson(QueryPorts(key, DefaultPortCount(key),
                                                    {std::nullopt, "TCP", std::nullopt}, 0, 10)));
}

TEST_F(SimServiceTest, RequestIdsAreUnique) {
  Start(WithHosts());
  std::set<std::string> ids;
  for (int i = 0; i < 500; ++i) {
    ids.insert(*Get(i % 2 ? "/v5/p/asset/ports?host_id=h1" : "/nope").FindHeader("X-Request-Id"));
  }
  EXPECT_EQ(ids.size(), 500u);
}

TEST_F(SimServiceTest, UnknownApisAre404WithRequestId) {
  Start(WithHosts());
  for (const char* target : {"/nope", "/v5//asset/ports?host_id=h1", "/v5/p/asset/ports/",
                             "/v5/p/asset/ports/detail", "/v3/p/asset/ports"}) {
    const SimHttpResponse response = Get(target);
    EXPECT_EQ(response.status, 404) << target;
    rapidjson::Document doc = Json(response);
    EXPECT_STREQ(doc["error_code"].GetString(), "APIG.0101");
    EXPECT_EQ(doc["request_id"].GetString(), *response.FindHeader("X-Request-Id"));
  }
  EXPECT_EQ(Call("POST", "/v5/p/asset/ports?host_id=h1").status, 404);
}

TEST_F(SimServiceTest, InvalidParametersAre400) {
  Start(WithHosts());
  SimHttpResponse response = Get("/v5/p/asset/ports?host_id=h1&limit=201");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "HSS.0001");
  EXPECT_NE(response.FindHeader("X-Request-Id"), nullptr);
  EXPECT_EQ(Get("/v5/p/asset/ports").status, 400);
  response = Get("/v5/p/asset/ports?host_id=%zz");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorCode(response), "APIG.0201");
}

TEST_F(SimServiceTest, TokenAuth) {
  SimConfig config = WithHosts();
  config.auth.mode = AuthMode::kToken;
  config.auth.token = "secret-token";
  Start(config);
  const std::string target = "/v5/p/asset/ports?host_id=h1";
  SimHttpResponse response = Get(target);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(ErrorCode(response), "APIG.0301");
  EXPECT_NE(response.body.find("x-auth-token not found"), std::string::npos);
  response = Get(target, {{"X-Auth-Token", "wrong"}});
  EXPECT_EQ(response.status, 401);
  EXPECT_NE(response.body.find("decrypt token fail"), std::string::npos);
  EXPECT_EQ(Get(target, {{"x-auth-token", "secret-token"}}).status, 200);

  const std::string log = service_->request_log().ToJson();
  EXPECT_EQ(log.find("secret-token"), std::string::npos);
  rapidjson::Document doc;
  doc.Parse(log.c_str());
  ASSERT_EQ(doc.Size(), 3u);
  EXPECT_STREQ(doc[0]["auth"].GetString(), "none");
  EXPECT_STREQ(doc[2]["auth"].GetString(), "token");
  EXPECT_EQ(doc[2]["status"].GetInt(), 200);
  EXPECT_EQ(std::string(doc[2]["identity"].GetString()).rfind("token:", 0), 0u);
}

class AkskTest : public SimServiceTest {
 protected:
  void SetUp() override {
    SimConfig config = WithHosts();
    config.auth.mode = AuthMode::kAksk;
    config.auth.access_key = "MYAK";
    config.auth.secret_key = "MYSK-very-secret";
    Start(config);
  }

  // Signs GET /v5/{project}/asset/ports?query at `date_s` with `sk`.
  std::vector<HttpHeader> Sign(const std::vector<QueryParam>& query, const std::string& sk,
                               long long date_s = kNowMs / 1000, const std::string& ak = "MYAK") {
    SigningRequest request;
    request.method = "GET";
    request.path = "/v5/my proj/asset/ports";
    request.query = query;
    request.headers = {{"Host", "127.0.0.1:8080"},
                       {"X-Sdk-Date", FormatSdkDate(date_s)},
                       {"X-Project-Id", "my proj"}};
    std::vector<HttpHeader> headers = request.headers;
    headers.emplace_back("Authorization", AuthorizationHeader(request, ak, sk));
    headers.emplace_back("User-Agent", "test");  // Unsigned headers do not matter.
    return headers;
  }

  std::string Target(const std::vector<QueryParam>& query) {
    return "/v5/my%20proj/asset/ports?" + EncodeQuery(query);
  }
};

TEST_F(AkskTest, AcceptsAValidSignature) {
  const std::vector<QueryParam> query = {{"host_id", "h1"}, {"limit", "20"}, {"x", "一 (&=?)"}};
  const SimHttpResponse response = Get(Target(query), Sign(query, "MYSK-very-secret"));
  EXPECT_EQ(response.status, 200) << response.body;
  // Skew inside the 15-minute window is fine.
  EXPECT_EQ(Get(Target(query), Sign(query, "MYSK-very-secret", kNowMs / 1000 - 899)).status, 200);
  const std::string log = service_->request_log().ToJson();
  EXPECT_EQ(log.find("MYSK"), std::string::npos);
  EXPECT_NE(log.find("\"auth\":\"aksk\""), std::string::npos);
  EXPECT_NE(log.find("\"identity\":\"ak:MYAK\""), std::string::npos);
}

TEST_F(AkskTest, RejectsBadSignaturesSayingWhy) {
  const std::vector<QueryParam> query = {{"host_id", "h1"}};
  const auto expect_401 = [&](const SimHttpResponse& response, const std::string& why) {
    EXPECT_EQ(response.status, 401) << why;
    EXPECT_EQ(ErrorCode(response), "APIG.0301");
    EXPECT_NE(response.body.find(why), std::string::npos) << response.body;
    EXPECT_EQ(response.body.find("MYSK"), std::string::npos);
  };
  expect_401(Get(Target(query)), "Authorization header not found");
  expect_401(Get(Target(query), Sign(query, "wrong-sk")), "signature mismatch");
  expect_401(Get(Target(query), Sign(query, "MYSK-very-secret", kNowMs / 1000 - 901)),
             "in the past");
  expect_401(Get(Target(query), Sign(query, "MYSK-very-secret", kNowMs / 1000 + 901)),
             "in the future");
  expect_401(Get(Target(query), Sign(query, "MYSK-very-secret", kNowMs / 1000, "OTHER")),
             "unknown access key");
  // Tampering with the query after signing breaks the signature.
  expect_401(Get(Target({{"host_id", "h2"}}), Sign(query, "MYSK-very-secret")),
             "signature mismatch");
  // A signed header that is missing from the request.
  std::vector<HttpHeader> headers = Sign(query, "MYSK-very-secret");
  headers.erase(headers.begin());  // Host.
  expect_401(Get(Target(query), headers), "signed header 'host' is missing");
  expect_401(Get(Target(query), {{"Authorization", "SDK-HMAC-SHA256 garbage"}}), "malformed");
  // X-Sdk-Date must be signed.
  SigningRequest unsigned_date;
  unsigned_date.method = "GET";
  unsigned_date.path = "/v5/my proj/asset/ports";
  unsigned_date.query = query;
  unsigned_date.headers = {{"Host", "h"}};
  expect_401(Get(Target(query), {{"Host", "h"},
                                 {"X-Sdk-Date", FormatSdkDate(kNowMs / 1000)},
                                 {"Authorization",
                                  AuthorizationHeader(unsigned_date, "MYAK", "MYSK-very-secret")}}),
             "x-sdk-date is not in SignedHeaders");
}

TEST_F(SimServiceTest, QuotaPerIdentityWithRetryAfter) {
  SimConfig config = WithHosts();
  config.quota = {2, 2000};
  Start(config);
  const std::string target = "/v5/p/asset/ports?host_id=h1";
  EXPECT_EQ(Get(target, {{"X-Auth-Token", "a"}}).status, 200);
  EXPECT_EQ(Get(target, {{"X-Auth-Token", "a"}}).status, 200);
  monotonic_ms_ += 500;
  const SimHttpResponse throttled = Get(target, {{"X-Auth-Token", "a"}});
  EXPECT_EQ(throttled.status, 429);
  rapidjson::Document doc = Json(throttled);
  EXPECT_STREQ(doc["error_code"].GetString(), "APIG.0308");
  EXPECT_EQ(doc["request_id"].GetString(), *throttled.FindHeader("X-Request-Id"));
  ASSERT_NE(throttled.FindHeader("Retry-After"), nullptr);
  EXPECT_EQ(*throttled.FindHeader("Retry-After"), "2");
  EXPECT_EQ(Get(target, {{"X-Auth-Token", "b"}}).status, 200);
  monotonic_ms_ += 1500;
  EXPECT_EQ(Get(target, {{"X-Auth-Token", "a"}}).status, 200);

  // Reconfigured at runtime.
  EXPECT_EQ(Call("POST", "/_sim/quota", {}, R"({"per_window":0,"window_ms":0})").status, 200);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get(target, {{"X-Auth-Token", "a"}}).status, 200);
}

TEST_F(SimServiceTest, FaultEffects) {
  Start(WithHosts());
  const std::string target = "/v5/p/asset/ports?host_id=h1";
  const std::string normal = Get(target).body;
  ASSERT_EQ(Call("POST", "/_sim/faults", {}, R"([
      {"match": {"host_id": "h1"}, "times": 1, "status": 503, "error_code": "HSS.0041",
       "error_msg": "busy", "retry_after": "7"},
      {"match": {"host_id": "h1"}, "times": 1, "drop_connection": true},
      {"match": {"host_id": "h1"}, "times": 1, "truncate_body": true},
      {"match": {"host_id": "h1"}, "times": 1, "malformed_body": true},
      {"match": {"host_id": "h1"}, "times": 1, "oversized_body_bytes": 5000000},
      {"match": {"host_id": "h1"}, "times": 1, "latency_ms": 250},
      {"match": {"host_id": "h1"}, "times": 1, "status": 500, "body_shape": "error_obj",
       "error_code": "X", "error_msg": "m"}])")
                .status,
            200);
  SimHttpResponse r = Get(target);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"error_code":"HSS.0041","error_msg":"busy"})");
  EXPECT_EQ(*r.FindHeader("Retry-After"), "7");
  EXPECT_EQ(Get(target).delivery, Delivery::kDrop);
  r = Get(target);
  EXPECT_EQ(r.delivery, Delivery::kTruncate);
  EXPECT_EQ(r.body, normal);
  EXPECT_EQ(r.truncate_at, normal.size() / 2);
  r = Get(target);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, normal.substr(0, normal.size() / 2));
  r = Get(target);
  EXPECT_EQ(r.delivery, Delivery::kOversized);
  EXPECT_EQ(r.oversized_bytes, 5000000u);
  r = Get(target);  // Latency only (soft) combines with the next hard rule.
  EXPECT_EQ(r.delay_ms, 250);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"error":{"code":"X","message":"m"}})");
  EXPECT_EQ(Get(target).body, normal);

  const std::string stats = service_->stats().ToJson();
  EXPECT_NE(stats.find("\"0\":1"), std::string::npos) << stats;
  EXPECT_NE(stats.find("\"faults_applied\":6"), std::string::npos) << stats;
}

TEST_F(SimServiceTest, GeneratedHostileBodies) {
  Start(WithHosts());
  ASSERT_EQ(Call("POST", "/_sim/faults", {}, R"([
      {"match": {"host_id": "big"}, "times": 1, "extra_rows": 50},
      {"match": {"host_id": "big"}, "times": 1, "empty_records": 3},
      {"match": {"host_id": "big"}, "times": 1, "nested_depth": 4}])")
                .status,
            200);
  // Real data: the page as if limit were 250, with the true total.
  SimHttpResponse r = Get("/v5/p/asset/ports?host_id=big&limit=200&offset=400");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body,
            ListPortsJson(QueryPorts(HostKey{3, "big", Category::kHost}, 1'000'000, {}, 400, 250)));
  r = Get("/v5/p/asset/ports?host_id=big&limit=200&offset=400");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"total_num":3,"data_list":[{},{},{}]})");
  r = Get("/v5/p/asset/ports?host_id=big");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json;charset=UTF-8");
  EXPECT_EQ(r.body, R"({"total_num":1,"data_list":[[[[]]]]})");
  // The real rows, another total.
  ASSERT_EQ(Call("POST", "/_sim/faults", {}, R"({"times": 1, "total_num": 7})").status, 200);
  r = Get("/v5/p/asset/ports?host_id=h1&limit=10&offset=20");
  EXPECT_EQ(r.body, ListPortsJson(HostPorts(HostKey{3, "h1", Category::kHost}), 25, {}, 20, 10, 7));
  EXPECT_EQ(Json(r)["total_num"].GetInt(), 7);
  EXPECT_EQ(Json(r)["data_list"].Size(), 5u);
  // Invalid parameters still fail first with extra rows.
  ASSERT_EQ(Call("POST", "/_sim/faults", {}, R"({"extra_rows": 50})").status, 200);
  EXPECT_EQ(Get("/v5/p/asset/ports?host_id=big&limit=201").status, 400);
  EXPECT_EQ(Get("/v5/p/asset/ports?host_id=h1&limit=10&offset=20").body,
            ListPortsJson(QueryPorts(HostKey{3, "h1", Category::kHost}, 25, {}, 20, 60)));
}

TEST_F(SimServiceTest, ControlApi) {
  Start(WithHosts());
  const std::string target = "/v5/p/asset/ports?host_id=h1";
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 25);
  SimHttpResponse r =
      Call("POST", "/_sim/hosts", {}, R"({"host_id":"h1","count":10007,"category":"host"})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.FindHeader("X-Request-Id"), nullptr);
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 10007);
  EXPECT_EQ(Json(Get(target + "&category=container"))["total_num"].GetUint64(),
            DefaultPortCount({3, "h1", Category::kContainer}));

  for (const char* bad :
       {"{", R"({"host_id":"h1"})", R"({"host_id":"h1","count":-1})",
        R"({"host_id":"h1","count":1,"category":"vm"})", R"({"host_id":"h1","count":1,"x":1})"}) {
    r = Call("POST", "/_sim/hosts", {}, bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorCode(r), "SIM.0400");
  }
  EXPECT_EQ(Call("POST", "/_sim/faults", {}, "{\"times\":").status, 400);
  EXPECT_EQ(Call("POST", "/_sim/quota", {}, R"({"per_window":"x"})").status, 400);
  EXPECT_EQ(Call("GET", "/_sim/nothing").status, 404);
  EXPECT_EQ(Call("PUT", "/_sim/hosts").status, 405);

  // Only API requests were logged, in order, with decoded query objects.
  r = Call("GET", "/_sim/requests");
  rapidjson::Document log = Json(r);
  ASSERT_EQ(log.Size(), 3u);
  EXPECT_EQ(log[0]["seq"].GetUint64() + 1, log[1]["seq"].GetUint64());
  EXPECT_STREQ(log[2]["query"]["category"].GetString(), "container");
  EXPECT_STREQ(log[0]["path"].GetString(), "/v5/p/asset/ports");
  const uint64_t last = log[2]["seq"].GetUint64();
  Get(target);
  EXPECT_EQ(Json(Call("GET", "/_sim/requests?after=" + std::to_string(last))).Size(), 1u);
  EXPECT_EQ(Call("DELETE", "/_sim/requests").status, 200);
  EXPECT_EQ(Json(Call("GET", "/_sim/requests")).Size(), 0u);

  rapidjson::Document stats = Json(Call("GET", "/_sim/stats"));
  EXPECT_EQ(stats["requests"].GetInt(), 4);
  EXPECT_EQ(stats["by_status"]["200"].GetInt(), 4);

  EXPECT_EQ(Call("POST", "/_sim/reset").status, 200);
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 25);
  EXPECT_EQ(Json(Call("GET", "/_sim/stats"))["requests"].GetInt(), 1);
  EXPECT_EQ(Json(Call("GET", "/_sim/info"))["seed"].GetInt(), 3);
}

TEST_F(SimServiceTest, StartupFaultsComeBackAfterReset) {
  SimConfig config = WithHosts();
  absl::StatusOr<std::vector<FaultRule>> rules = ParseFaultRules(R"({"times":1,"status":502})");
  ASSERT_TRUE(rules.ok());
  config.faults = *rules;
  Start(config);
  const std::string target = "/v5/p/asset/ports?host_id=h1";
  EXPECT_EQ(Get(target).status, 502);
  EXPECT_EQ(Get(target).status, 200);
  Call("POST", "/_sim/reset");
  EXPECT_EQ(Get(target).status, 502);
}

TEST_F(SimServiceTest, HostChangesOpenCloseAndModifyPorts) {
  Start(WithHosts());
  const std::string target = "/v5/p/asset/ports?host_id=h1&limit=200";
  const HostKey key{3, "h1", Category::kHost};
  SimHttpResponse r = Call("POST", "/_sim/hosts/h1/changes", {},
                           R"([{"op":"close","index":0},{"op":"modify","index":1,"pid":777},
                               {"op":"open","type":"UDP","port":5353,"laddr":"0.0.0.0",
                                "status":"normal"}])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["total"].GetUint64(), 25u);
  rapidjson::Document page = Json(Get(target));
  ASSERT_EQ(page["total_num"].GetInt(), 25);
  const rapidjson::Value& list = page["data_list"];
  EXPECT_EQ(list[0]["port"].GetInt(), GeneratePort(key, 1).port);
  EXPECT_EQ(list[0]["pid"].GetInt64(), 777);
  EXPECT_EQ(list[24]["port"].GetInt(), 5353);
  EXPECT_STREQ(list[24]["type"].GetString(), "UDP");
  EXPECT_EQ(std::string(list[24]["agent_id"].GetString()), *GeneratePort(key, 0).agent_id);
  // Filters see the changes.
  page = Json(Get(target + "&port=5353"));
  EXPECT_EQ(page["total_num"].GetInt(), 1);
  // By identity: close the opened port again.
  r = Call("POST", "/_sim/hosts/h1/changes", {},
           R"({"op":"close","type":"UDP","port":5353,"laddr":"0.0.0.0"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 24);
  // A change naming no open port applies nothing.
  r = Call("POST", "/_sim/hosts/h1/changes", {},
           R"([{"op":"close","index":2},{"op":"close","index":0}])");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 24);
  for (const char* bad : {R"({"op":"shut","index":1})", R"({"op":"open","port":1})",
                          R"({"op":"close"})", R"({"op":"open","type":"TCP","port":0})"}) {
    EXPECT_EQ(Call("POST", "/_sim/hosts/h1/changes", {}, bad).status, 400) << bad;
  }
  EXPECT_EQ(Call("DELETE", "/_sim/hosts/h1/changes").status, 200);
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 25);
  EXPECT_EQ(Call("POST", "/_sim/hosts/h1/changes", {}, R"({"op":"close","index":3})").status, 200);
  EXPECT_EQ(Call("POST", "/_sim/reset").status, 200);
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 25);
}

TEST_F(SimServiceTest, ChurnChangesPortsPerIntervalWhenQueried) {
  SimConfig config = WithHosts();
  config.hosts.push_back({"churny", Category::kHost, 300});
  config.churn = {{"churny", Category::kHost, 10, 1000}};
  Start(config);
  const std::string target = "/v5/p/asset/ports?host_id=churny&limit=200";
  const std::string first = Get(target).body;
  EXPECT_EQ(Get(target).body, first);  // No interval passed.
  monotonic_ms_ += 1000;
  const std::string second = Get(target).body;
  EXPECT_NE(second, first);
  EXPECT_EQ(Json(Get(target))["total_num"].GetInt(), 300);  // 10 closed, 10 opened
  // Stopped by the control API: the changes stay, no more come.
  EXPECT_EQ(Call("DELETE", "/_sim/hosts/churny/churn").status, 200);
  monotonic_ms_ += 5000;
  EXPECT_EQ(Get(target).body, second);
  // Started by it.
  SimHttpResponse r =
      Call("POST", "/_sim/hosts/h1/churn", {}, R"({"percent":50,"interval_ms":100})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string h1 = Get("/v5/p/asset/ports?host_id=h1").body;
  monotonic_ms_ += 100;
  EXPECT_NE(Get("/v5/p/asset/ports?host_id=h1").body, h1);
  EXPECT_EQ(Call("POST", "/_sim/hosts/h1/churn", {}, R"({"percent":0,"interval_ms":1})").status,
            400);
  // Reset restarts the startup churn from the startup data.
  EXPECT_EQ(Call("POST", "/_sim/reset").status, 200);
  EXPECT_EQ(Get(target).body, first);
}

}  // namespace
}  // namespace hss::sim
