#include "server/auth/aksk_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/aksk_signer.h"
#include "common/uri_encoding.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

constexpr char kAk[] = "HSSTESTAK0123456789AB";
constexpr char kSk[] = "hssTestSecretKey/0123456789+abcdefghijKLMN";
constexpr char kProject[] = "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b";
constexpr char kHssHost[] = "https://hss.cn-north-4.myhuaweicloud.com";

// 2024-03-15T08:09:10Z, the X-Sdk-Date of the Node.js SDK vectors.
absl::Time VectorTime() { return absl::FromUnixSeconds(1710490150); }

AkskCredential TestCredential() {
  AkskCredential c;
  c.ak = kAk;
  c.sk = kSk;
  return c;
}

std::optional<std::string> HeaderOf(const HttpRequest& request, absl::string_view name) {
  std::optional<std::string> found;
  for (const auto& [key, value] : request.headers) {
    if (absl::EqualsIgnoreCase(key, name)) {
      EXPECT_FALSE(found.has_value()) << "duplicate header " << name;
      found = value;
    }
  }
  return found;
}

HttpRequest Get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  r.headers.emplace_back("Accept", "application/json");
  return r;
}

// A request of one of common/aksk_signer_test.cc's Node.js SDK vectors, as the
// gateway sends it: the URL built from decoded parts with hss::EncodeQuery.
struct NodeVector {
  const char* name;
  std::string url;
  std::string security_token;
  const char* authorization;
};

std::vector<NodeVector> NodeVectors() {
  const std::string ports = absl::StrCat(kHssHost, "/v5/", kProject, "/asset/ports");
  return {
      {"ports_basic",
       absl::StrCat(ports, "?",
                    hss::EncodeQuery({{"host_id", "c1a2b3d4-0000-4000-8000-123456789abc"},
                                      {"limit", "200"},
                                      {"offset", "0"}})),
       "",
       "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, "
       "Signature=0bc21133974772c638f7c1552ea9cb0e68217f16113e91d433e7248b6e09c08f"},
      {"security_token",
       absl::StrCat(ports, "?", hss::EncodeQuery({{"host_id", "h-1"}, {"limit", "10"}})),
       "gQpjbi1ub3J0aC00jMyQ+Wx/0b5f==",
       "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, "
       "SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, "
       "Signature=84c6c06631bc86145cb702698a22c5d04897c2939a2cdc746f1ee1a5c0e97018"},
      {"query_spaces_utf8",
       absl::StrCat(ports, "?",
                    hss::EncodeQuery(
                        {{"host_id", "h 1"}, {"host_name", "web server 中文"}, {"名 字", "ü é"}})),
       "",
       "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, "
       "Signature=8fc696fcc379eed44aafed0a2d2325bb6d2f9ae29910186c3d07c55a85595f80"},
      {"query_reserved_chars",
       absl::StrCat(ports, "?",
                    hss::EncodeQuery({{"star", "a*b"},
                                      {"tilde", "~user"},
                                      {"pct", "100%25"},
                                      {"plus", "1+1=2"},
                                      {"path", "/tmp/a b/c"},
                                      {"misc", "&=?#!$'(),;:@[]"},
                                      {"empty", ""}})),
       "",
       "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, "
       "Signature=5b473aaccad62020b9bfab414c85f1c835a04e72eb7c41377dac77f196222d63"},
      {"query_repeated_keys",
       absl::StrCat(ports, "?",
                    hss::EncodeQuery({{"type", "TCP"},
                                      {"type", "UDP"},
                                      {"port", "10"},
                                      {"port", "22"},
                                      {"port", "443"},
                                      {"port", "8080"},
                                      {"host_id", "h"}})),
       "",
       "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-project-id;x-sdk-date, "
       "Signature=e117d7a9f5cc38a0e4220ae1b97873f63a20d9ff8eef92ce55d10e8229949570"},
      {"path_root_host_port", "http://127.0.0.1:8443/", "",
       "SDK-HMAC-SHA256 Access=HSSTESTAK0123456789AB, SignedHeaders=host;x-sdk-date, "
       "Signature=07e5b00363b63c9ce8567be1f1f9fdffd2e7610311a6e5b3206e02c02127282c"},
  };
}

class NodeVectorTest : public testing::TestWithParam<NodeVector> {};

TEST_P(NodeVectorTest, AuthorizationMatchesTheSdk) {
  AkskCredential credential = TestCredential();
  credential.security_token = GetParam().security_token;
  auto signed_request = SignHttpRequest(Get(GetParam().url), credential, VectorTime(), "");
  ASSERT_TRUE(signed_request.ok()) << signed_request.status();
  EXPECT_EQ(HeaderOf(*signed_request, "Authorization"), GetParam().authorization);
  EXPECT_EQ(HeaderOf(*signed_request, "X-Sdk-Date"), "20240315T080910Z");
  EXPECT_EQ(HeaderOf(*signed_request, "Accept"), "application/json");
  if (GetParam().security_token.empty()) {
    EXPECT_EQ(HeaderOf(*signed_request, "X-Security-Token"), std::nullopt);
  } else {
    EXPECT_EQ(HeaderOf(*signed_request, "X-Security-Token"), GetParam().security_token);
  }
}

INSTANTIATE_TEST_SUITE_P(NodeSdk, NodeVectorTest, testing::ValuesIn(NodeVectors()),
                         [](const testing::TestParamInfo<NodeVector>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(SignHttpRequest, MatchesThePublishedHostVector) {
  AkskCredential credential;
  credential.ak = "AccessKey";
  credential.sk = "SecretKey";
  auto r = SignHttpRequest(Get("https://service.endpoint.myhuaweicloud.com/resources?size=1"),
                           credential, absl::FromUnixSeconds(1591583940), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HeaderOf(*r, "X-Sdk-Date"), "20200608T023900Z");
  EXPECT_EQ(HeaderOf(*r, "Authorization"),
            "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, "
            "Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842");
  EXPECT_EQ(HeaderOf(*r, "Host"), "service.endpoint.myhuaweicloud.com");
}

// What a server that verifies like the SDKs sees: the request line and headers.
bool ServerAccepts(const HttpRequest& request, absl::string_view sk) {
  auto url = ParseSigningUrl(request.url);
  if (!url.ok()) return false;
  hss::SigningRequest received;
  received.method = request.method;
  received.path = url->path;
  received.query = url->query;
  received.body = request.body;
  for (const auto& header : request.headers) received.headers.push_back(header);
  auto authorization = HeaderOf(request, "Authorization");
  if (!authorization) return false;
  auto parsed = hss::ParseAuthorizationHeader(*authorization);
  return parsed.has_value() &&
         hss::VerifyAuthorization(received, *parsed, std::string_view(sk.data(), sk.size()));
}

// Found by aksk_roundtrip_fuzz: "/v5/./asset/ports" was signed as curl's
// normalized "/v5/asset/ports" with X-Project-Id "asset".
TEST(SignHttpRequest, RefusesAPathWithDotSegments) {
  AkskCredential credential;
  credential.ak = "AK";
  credential.sk = "SK";
  for (const char* url : {"https://h.example/v5/./asset/ports", "https://h.example/v5/../x",
                          "https://h.example/v5/p/asset/ports/.."}) {
    auto signed_request = SignHttpRequest(Get(url), credential, VectorTime(), "");
    ASSERT_FALSE(signed_request.ok()) << url;
    EXPECT_EQ(signed_request.status().code(), absl::StatusCode::kInternal);
  }
  // Dots inside a segment or in the query are fine.
  EXPECT_TRUE(SignHttpRequest(Get("https://h.example/v5/p.1/asset/ports?x=./.."), credential,
                              VectorTime(), "")
                  .ok());
}

TEST(SignHttpRequest, AddsAndSignsTheSdkHeaders) {
  AkskCredential credential = TestCredential();
  credential.security_token = "temporary-token";
  HttpRequest request = Get(absl::StrCat(kHssHost, "/v5/", kProject, "/asset/ports?host_id=h"));
  // Stale values are replaced, not duplicated.
  request.headers.emplace_back("X-Sdk-Date", "19990101T000000Z");
  request.headers.emplace_back("authorization", "stale");
  request.headers.emplace_back("host", "evil.example");
  auto r = SignHttpRequest(request, credential, VectorTime(), "other-project");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HeaderOf(*r, "Host"), "hss.cn-north-4.myhuaweicloud.com");
  EXPECT_EQ(HeaderOf(*r, "X-Project-Id"), kProject);  // the URL's project wins
  EXPECT_EQ(HeaderOf(*r, "X-Security-Token"), "temporary-token");
  EXPECT_THAT(*HeaderOf(*r, "Authorization"),
              HasSubstr("SignedHeaders=host;x-project-id;x-sdk-date;x-security-token,"));
  EXPECT_TRUE(ServerAccepts(*r, kSk));
  EXPECT_FALSE(ServerAccepts(*r, "another secret"));
}

TEST(SignHttpRequest, ProjectPrecedence) {
  AkskCredential credential = TestCredential();
  credential.project_id = "from-credential";
  const std::string iam = "https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4";
  auto r = SignHttpRequest(Get(iam), credential, VectorTime(), "configured");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HeaderOf(*r, "X-Project-Id"), "configured");
  r = SignHttpRequest(Get(iam), credential, VectorTime(), "");
  EXPECT_EQ(HeaderOf(*r, "X-Project-Id"), "from-credential");
  credential.project_id.clear();
  r = SignHttpRequest(Get(iam), credential, VectorTime(), "");
  EXPECT_EQ(HeaderOf(*r, "X-Project-Id"), std::nullopt);
  EXPECT_THAT(*HeaderOf(*r, "Authorization"), HasSubstr("SignedHeaders=host;x-sdk-date,"));
  HttpRequest with_header = Get(iam);
  with_header.headers.emplace_back("x-project-id", "explicit");
  r = SignHttpRequest(with_header, credential, VectorTime(), "configured");
  EXPECT_EQ(HeaderOf(*r, "X-Project-Id"), "explicit");
  EXPECT_TRUE(ServerAccepts(*r, kSk));
}

TEST(SignHttpRequest, SignsPostBodies) {
  HttpRequest request = Get("https://iam.example.com/v3/x");
  request.method = "POST";
  request.body = "{\"a\":1}";
  auto r = SignHttpRequest(request, TestCredential(), VectorTime(), "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(ServerAccepts(*r, kSk));
  r->body = "{\"a\":2}";
  EXPECT_FALSE(ServerAccepts(*r, kSk));
}

TEST(ParseSigningUrl, HostAsCurlSendsIt) {
  struct Case {
    const char* url;
    const char* host;
  };
  for (const Case& c : std::vector<Case>{
           {"https://hss.example.com/v5/p/x", "hss.example.com"},
           {"https://hss.example.com:443/v5/p/x", "hss.example.com"},
           {"HTTPS://hss.example.com:8443/", "hss.example.com:8443"},
           {"http://127.0.0.1:80/a", "127.0.0.1"},
           {"http://127.0.0.1:8080", "127.0.0.1:8080"},
           {"http://user:pw@127.0.0.1:8080/a", "127.0.0.1:8080"},
           {"http://[::1]:8080/a?b=c", "[::1]:8080"},
           {"https://[2001:db8::1]/a", "[2001:db8::1]"},
           {"http://h?x=1", "h"},
       }) {
    auto url = ParseSigningUrl(c.url);
    ASSERT_TRUE(url.ok()) << c.url;
    EXPECT_EQ(url->host, c.host) << c.url;
  }
}

TEST(ParseSigningUrl, DecodesPathQueryAndProject) {
  auto url = ParseSigningUrl(
      "http://127.0.0.1:8080/base/v5/my%20project/asset/ports?host_id=h%201&limit=10#frag");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->path, "/base/v5/my project/asset/ports");
  EXPECT_THAT(url->query, ElementsAre(Pair("host_id", "h 1"), Pair("limit", "10")));
  EXPECT_EQ(url->project_id, "my project");

  url = ParseSigningUrl("http://h");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->path, "/");
  EXPECT_THAT(url->query, IsEmpty());
  EXPECT_EQ(url->project_id, "");

  // An escaped '/' cannot move the project boundary.
  url = ParseSigningUrl("http://h/v5/a%2Fb/asset/ports");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->project_id, "a/b");
  EXPECT_EQ(ParseSigningUrl("http://h/v3/projects?name=x")->project_id, "");
}

TEST(ParseSigningUrl, RejectsWhatItCannotSign) {
  // curl reads "http:///x" as the host x, and so does the signer: what is signed is what it sends.
  EXPECT_EQ(ParseSigningUrl("http:///x")->host, "x");
  for (const char* bad : {"hss.example.com/v5", "ftp://h/x", "http://h:8a/x", "http://[::1/x",
                          "http://h/%zz", "http://h/x?a=%4"}) {
    auto url = ParseSigningUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), absl::StatusCode::kInternal) << bad;
    EXPECT_EQ(GetErrorInfo(url.status())->reason(), "SIGNING_FAILED") << bad;
  }
}

// A CredentialSource the test can switch.
class SwitchableSource : public CredentialSource {
 public:
  explicit SwitchableSource(AkskCredential c) : current_(std::make_shared<AkskCredential>(c)) {}
  std::shared_ptr<const AkskCredential> Current() override { return current_; }
  std::string Describe() const override { return "test"; }
  std::shared_ptr<const AkskCredential> current_;
};

TEST(AkskCredentials, SignsWithTheCurrentCredentialsAndClock) {
  auto source = std::make_shared<SwitchableSource>(TestCredential());
  absl::Time now = VectorTime();
  AkskCredentialsOptions options;
  options.default_project_id = "";
  options.clock = [&now] { return now; };
  AkskCredentials credentials(source, std::move(options));

  std::optional<absl::StatusOr<HttpRequest>> out;
  credentials.Authorize(Get(NodeVectors()[0].url), CallContext{},
                        [&out](absl::StatusOr<HttpRequest> r) { out = std::move(r); });
  ASSERT_TRUE(out.has_value() && out->ok());
  EXPECT_EQ(HeaderOf(**out, "Authorization"), NodeVectors()[0].authorization);

  AkskCredential rotated = TestCredential();
  rotated.ak = "ROTATEDAK00000000000";
  rotated.sk = "rotated-secret";
  source->current_ = std::make_shared<AkskCredential>(rotated);
  now += absl::Seconds(61);
  out.reset();
  credentials.Authorize(Get(NodeVectors()[0].url), CallContext{},
                        [&out](absl::StatusOr<HttpRequest> r) { out = std::move(r); });
  ASSERT_TRUE(out.has_value() && out->ok());
  EXPECT_EQ(HeaderOf(**out, "X-Sdk-Date"), "20240315T081011Z");
  EXPECT_THAT(*HeaderOf(**out, "Authorization"), HasSubstr("Access=ROTATEDAK00000000000,"));
  EXPECT_TRUE(ServerAccepts(**out, "rotated-secret"));
}

TEST(AkskCredentials, UnsignableUrlIsAnErrorWithoutSecrets) {
  auto source = std::make_shared<SwitchableSource>(TestCredential());
  AkskCredentials credentials(source, AkskCredentialsOptions{});
  std::optional<absl::StatusOr<HttpRequest>> out;
  credentials.Authorize(Get("not a url"), CallContext{},
                        [&out](absl::StatusOr<HttpRequest> r) { out = std::move(r); });
  ASSERT_TRUE(out.has_value());
  ASSERT_FALSE(out->ok());
  EXPECT_THAT(out->status().ToString(), Not(HasSubstr(kSk)));
  EXPECT_THAT(out->status().ToString(), Not(HasSubstr(kAk)));
}

}  // namespace
}  // namespace hss::gateway
