#include "server/rest/upstream_query.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/uri_encoding.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hss::gateway {
namespace {

using ::hss::ports::v1::Category;
using ::hss::ports::v1::ListPortsRequest;
using ::hss::ports::v1::PortStatus;
using ::hss::ports::v1::Protocol;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

using Params = std::vector<hss::QueryParam>;

// Splits `url` (which must start with `endpoint`) into its path and decoded query.
struct SplitUrl {
  std::string path;
  Params query;
  bool ok = false;
};

SplitUrl Split(const std::string& url, std::string_view endpoint) {
  SplitUrl out;
  if (url.compare(0, endpoint.size(), endpoint) != 0) return out;
  std::string rest = url.substr(endpoint.size());
  auto q = rest.find('?');
  out.path = rest.substr(0, q);
  auto parsed = hss::ParseQuery(q == std::string::npos ? std::string_view()
                                                       : std::string_view(rest).substr(q + 1));
  if (!parsed) return out;
  out.query = *parsed;
  out.ok = true;
  return out;
}

// True if every byte of `s` is a printable ASCII character other than space.
bool IsPlainUrlText(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

TEST(EnumToUpstreamTest, Protocol) {
  struct Case {
    int value;
    absl::string_view want;
  };
  const Case cases[] = {
      {hss::ports::v1::PROTOCOL_UNSPECIFIED, ""},
      {hss::ports::v1::PROTOCOL_TCP, "TCP"},
      {hss::ports::v1::PROTOCOL_UDP, "UDP"},
      {3, ""},
      {-1, ""},
      {7, ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ProtocolToUpstream(static_cast<Protocol>(c.value)), c.want) << c.value;
  }
}

TEST(EnumToUpstreamTest, Status) {
  struct Case {
    int value;
    absl::string_view want;
  };
  const Case cases[] = {
      {hss::ports::v1::PORT_STATUS_UNSPECIFIED, ""},
      {hss::ports::v1::PORT_STATUS_NORMAL, "normal"},
      {hss::ports::v1::PORT_STATUS_DANGER, "danger"},
      {hss::ports::v1::PORT_STATUS_UNKNOWN, "unknown"},
      {4, ""},
      {-3, ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(StatusToUpstream(static_cast<PortStatus>(c.value)), c.want) << c.value;
  }
}

TEST(EnumToUpstreamTest, Category) {
  struct Case {
    int value;
    absl::string_view want;
  };
  const Case cases[] = {
      {hss::ports::v1::CATEGORY_UNSPECIFIED, ""},
      {hss::ports::v1::CATEGORY_HOST, "host"},
      {hss::ports::v1::CATEGORY_CONTAINER, "container"},
      {3, ""},
      {1000, ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CategoryToUpstream(static_cast<Category>(c.value)), c.want) << c.value;
  }
}

TEST(ListPortsTargetTest, MinimalRequestSendsOnlyHostId) {
  ListPortsRequest r;
  r.set_host_id("dd91cd32-a238-4c0e-bc01-3b11653714ac");
  UpstreamTarget t = ListPortsTarget("abc", r);
  EXPECT_EQ(t.path, "/v5/abc/asset/ports");
  EXPECT_THAT(t.query, ElementsAre(Pair("host_id", "dd91cd32-a238-4c0e-bc01-3b11653714ac")));
}

TEST(ListPortsTargetTest, IgnoresRequestProjectIdInFavourOfArgument) {
  ListPortsRequest r;
  r.set_project_id("from-request");
  r.set_host_id("h");
  EXPECT_EQ(ListPortsTarget("effective", r).path, "/v5/effective/asset/ports");
}

TEST(ListPortsTargetTest, AllFieldsInFixedOrder) {
  ListPortsRequest r;
  // Set in a different order from the one sent, to prove the order is fixed.
  r.set_offset(400);
  r.set_limit(200);
  r.set_category(hss::ports::v1::CATEGORY_CONTAINER);
  r.set_enterprise_project_id("all_granted_eps");
  r.set_status(hss::ports::v1::PORT_STATUS_DANGER);
  r.set_type(hss::ports::v1::PROTOCOL_TCP);
  r.set_port(443);
  r.set_host_ip("192.168.0.1");
  r.set_host_name("web-1");
  r.set_host_id("h-1");
  UpstreamTarget t = ListPortsTarget("p", r);
  EXPECT_THAT(
      t.query,
      ElementsAre(Pair("host_id", "h-1"), Pair("host_name", "web-1"),
                  Pair("host_ip", "192.168.0.1"), Pair("port", "443"), Pair("type", "TCP"),
                  Pair("status", "danger"), Pair("enterprise_project_id", "all_granted_eps"),
                  Pair("category", "container"), Pair("limit", "200"), Pair("offset", "400")));
}

TEST(ListPortsTargetTest, EachOptionalFieldAlone) {
  struct Case {
    const char* name;
    void (*set)(ListPortsRequest&);
    Params want_extra;
  };
  const Case cases[] = {
      {"host_name", [](ListPortsRequest& r) { r.set_host_name("n"); }, {{"host_name", "n"}}},
      {"host_ip", [](ListPortsRequest& r) { r.set_host_ip("::1"); }, {{"host_ip", "::1"}}},
      {"port=1", [](ListPortsRequest& r) { r.set_port(1); }, {{"port", "1"}}},
      {"port=65535", [](ListPortsRequest& r) { r.set_port(65535); }, {{"port", "65535"}}},
      // has_port is what counts, not the value: a set 0 is sent (the validator rejects it).
      {"port=0 set", [](ListPortsRequest& r) { r.set_port(0); }, {{"port", "0"}}},
      {"type tcp",
       [](ListPortsRequest& r) { r.set_type(hss::ports::v1::PROTOCOL_TCP); },
       {{"type", "TCP"}}},
      {"type udp",
       [](ListPortsRequest& r) { r.set_type(hss::ports::v1::PROTOCOL_UDP); },
       {{"type", "UDP"}}},
      {"type unknown 7", [](ListPortsRequest& r) { r.set_type(static_cast<Protocol>(7)); }, {}},
      {"status normal",
       [](ListPortsRequest& r) { r.set_status(hss::ports::v1::PORT_STATUS_NORMAL); },
       {{"status", "normal"}}},
      {"status unknown",
       [](ListPortsRequest& r) { r.set_status(hss::ports::v1::PORT_STATUS_UNKNOWN); },
       {{"status", "unknown"}}},
      {"enterprise_project_id",
       [](ListPortsRequest& r) { r.set_enterprise_project_id("0"); },
       {{"enterprise_project_id", "0"}}},
      {"category host",
       [](ListPortsRequest& r) { r.set_category(hss::ports::v1::CATEGORY_HOST); },
       {{"category", "host"}}},
      {"limit 10", [](ListPortsRequest& r) { r.set_limit(10); }, {{"limit", "10"}}},
      {"limit 0 not sent", [](ListPortsRequest& r) { r.set_limit(0); }, {}},
      {"offset 2000000",
       [](ListPortsRequest& r) { r.set_offset(2000000); },
       {{"offset", "2000000"}}},
      {"offset 0 not sent", [](ListPortsRequest& r) { r.set_offset(0); }, {}},
      {"empty strings not sent",
       [](ListPortsRequest& r) {
         r.set_host_name("");
         r.set_host_ip("");
         r.set_enterprise_project_id("");
       },
       {}},
      {"unspecified enums not sent",
       [](ListPortsRequest& r) {
         r.set_type(hss::ports::v1::PROTOCOL_UNSPECIFIED);
         r.set_status(hss::ports::v1::PORT_STATUS_UNSPECIFIED);
         r.set_category(hss::ports::v1::CATEGORY_UNSPECIFIED);
       },
       {}},
  };
  for (const auto& c : cases) {
    ListPortsRequest r;
    r.set_host_id("h");
    c.set(r);
    Params want = {{"host_id", "h"}};
    want.insert(want.end(), c.want_extra.begin(), c.want_extra.end());
    EXPECT_EQ(ListPortsTarget("p", r).query, want) << c.name;
  }
}

TEST(ListPortsTargetTest, HostIdAlwaysSentEvenWhenEmpty) {
  ListPortsRequest r;
  EXPECT_THAT(ListPortsTarget("p", r).query, ElementsAre(Pair("host_id", "")));
}

TEST(ListPortsTargetTest, ProjectIdIsOnePercentEncodedSegment) {
  struct Case {
    std::string project_id;
    std::string want_path;
  };
  const Case cases[] = {
      {"0605767a3300d5762fb7c0186d9e1779", "/v5/0605767a3300d5762fb7c0186d9e1779/asset/ports"},
      {"../../v3/auth", "/v5/..%2F..%2Fv3%2Fauth/asset/ports"},
      {"..", "/v5/%2E%2E/asset/ports"},
      {".", "/v5/%2E/asset/ports"},
      {"...", "/v5/.../asset/ports"},
      {"a?b#c", "/v5/a%3Fb%23c/asset/ports"},
      {"a&b=c", "/v5/a%26b%3Dc/asset/ports"},
      {"a b+c", "/v5/a%20b%2Bc/asset/ports"},
      {"a%2Fb", "/v5/a%252Fb/asset/ports"},
      {"a\\b", "/v5/a%5Cb/asset/ports"},
      {"a\r\nX-Evil: 1", "/v5/a%0D%0AX-Evil%3A%201/asset/ports"},
      {std::string("a\0b", 3), "/v5/a%00b/asset/ports"},
      {"\xE9\xA1\xB9\xE7\x9B\xAE", "/v5/%E9%A1%B9%E7%9B%AE/asset/ports"},
      {"~-_.", "/v5/~-_./asset/ports"},
  };
  ListPortsRequest r;
  r.set_host_id("h");
  for (const auto& c : cases) {
    UpstreamTarget t = ListPortsTarget(c.project_id, r);
    EXPECT_EQ(t.path, c.want_path) << c.project_id;
    EXPECT_EQ(std::count(t.path.begin(), t.path.end(), '/'), 4) << c.project_id;
    EXPECT_TRUE(IsPlainUrlText(t.path)) << c.project_id;
  }
}

TEST(BuildUrlTest, Endpoints) {
  UpstreamTarget t{"/v5/p/asset/ports", {{"host_id", "h"}, {"limit", "10"}}};
  struct Case {
    std::string endpoint;
    std::string want;
  };
  const Case cases[] = {
      {"https://hss.cn-north-4.myhuaweicloud.com",
       "https://hss.cn-north-4.myhuaweicloud.com/v5/p/asset/ports?host_id=h&limit=10"},
      {"https://hss.cn-north-4.myhuaweicloud.com/",
       "https://hss.cn-north-4.myhuaweicloud.com/v5/p/asset/ports?host_id=h&limit=10"},
      {"http://127.0.0.1:8080/base/",
       "http://127.0.0.1:8080/base/v5/p/asset/ports?host_id=h&limit=10"},
      {"http://127.0.0.1:8080/base",
       "http://127.0.0.1:8080/base/v5/p/asset/ports?host_id=h&limit=10"},
      {"http://[::1]:8080//", "http://[::1]:8080/v5/p/asset/ports?host_id=h&limit=10"},
      {"", "/v5/p/asset/ports?host_id=h&limit=10"},
  };
  for (const auto& c : cases) EXPECT_EQ(BuildUrl(c.endpoint, t), c.want) << c.endpoint;
}

TEST(BuildUrlTest, EmptyQueryHasNoQuestionMark) {
  EXPECT_EQ(BuildUrl("https://e", UpstreamTarget{"/x", {}}), "https://e/x");
}

TEST(BuildUrlTest, SeedExampleRequest) {
  // The seed's example (with its `hlimit` typo fixed): limit=10&offset=0 are defaults,
  // so only host_id and a non-default limit are sent.
  ListPortsRequest r;
  r.set_host_id("dd91cd32-a238-4c0e-bc01-3b11653714ac");
  r.set_limit(10);
  EXPECT_EQ(BuildUrl("https://hss.cn-north-4.myhuaweicloud.com", ListPortsTarget("pid", r)),
            "https://hss.cn-north-4.myhuaweicloud.com/v5/pid/asset/ports"
            "?host_id=dd91cd32-a238-4c0e-bc01-3b11653714ac&limit=10");
}

// Values that try to break out of their place in the URL.
const std::string kHostile[] = {
    "../",
    "../../../etc/passwd",
    "a?b",
    "#frag",
    "a&limit=200",
    "=",
    "&&==",
    "a\r\nX-Auth-Token: stolen",
    "\n",
    std::string("nul\0byte", 8),
    std::string(1, '\0'),
    " leading and trailing ",
    "100%",
    "%2F%3F%26",
    "%",
    "%G1",
    "a+b",
    "+",
    "\xE4\xB8\x80 (&=?!#%.*)",
    "\xF0\x9F\x98\x80",
    "\xFF\xFE invalid utf8",
    "/",
    "\\",
    ";",
    "\t\v\f",
    "\x7f",
};

TEST(HostileInputTest, QueryValuesRoundTripExactly) {
  const std::string endpoint = "https://hss.cn-north-4.myhuaweicloud.com";
  for (const auto& v : kHostile) {
    ListPortsRequest r;
    r.set_host_id(v);
    r.set_host_name(v);
    r.set_host_ip(v);
    r.set_enterprise_project_id(v);
    r.set_limit(50);
    std::string url = BuildUrl(endpoint, ListPortsTarget("proj", r));
    SCOPED_TRACE(url);
    EXPECT_TRUE(IsPlainUrlText(url));
    EXPECT_EQ(std::count(url.begin(), url.end(), '?'), 1);
    EXPECT_EQ(url.find('#'), std::string::npos);
    SplitUrl split = Split(url, endpoint);
    ASSERT_TRUE(split.ok);
    EXPECT_EQ(split.path, "/v5/proj/asset/ports");
    EXPECT_THAT(split.query,
                ElementsAre(Pair("host_id", v), Pair("host_name", v), Pair("host_ip", v),
                            Pair("enterprise_project_id", v), Pair("limit", "50")));
  }
}

TEST(HostileInputTest, ProjectIdNeverChangesPathOrQuery) {
  const std::string endpoint = "http://127.0.0.1:8080/base/";
  for (const auto& v : kHostile) {
    ListPortsRequest r;
    r.set_host_id("h");
    std::string url = BuildUrl(endpoint, ListPortsTarget(v, r));
    SCOPED_TRACE(url);
    EXPECT_TRUE(IsPlainUrlText(url));
    SplitUrl split = Split(url, "http://127.0.0.1:8080/base");
    ASSERT_TRUE(split.ok);
    EXPECT_EQ(std::count(split.path.begin(), split.path.end(), '/'), 4);
    EXPECT_EQ(split.path, absl::StrCat("/v5/", hss::PercentEncode(v), "/asset/ports"));
    // The segment decodes back to exactly the project id.
    std::string segment = split.path.substr(4, split.path.size() - 4 - 12);
    EXPECT_EQ(hss::PercentDecode(segment), v);
    EXPECT_THAT(split.query, ElementsAre(Pair("host_id", "h")));
  }
}

TEST(HostileInputTest, HostileKeysOfHandBuiltTargetsAreEncodedToo) {
  UpstreamTarget t{"/p", {{"a&b=c", "d&e=f"}, {"", ""}, {"k\r\n", "v#"}}};
  std::string url = BuildUrl("https://e", t);
  EXPECT_TRUE(IsPlainUrlText(url));
  SplitUrl split = Split(url, "https://e");
  ASSERT_TRUE(split.ok);
  // An empty key and value encode as "=", which parses back as one empty pair.
  EXPECT_THAT(split.query, ElementsAre(Pair("a&b=c", "d&e=f"), Pair("", ""), Pair("k\r\n", "v#")));
}

TEST(HostileInputTest, NoQueryParamsForUnsetFields) {
  ListPortsRequest r;
  r.set_host_id("h");
  EXPECT_THAT(ListPortsTarget("p", r).query, ElementsAre(Pair("host_id", "h")));
  EXPECT_THAT(UpstreamTarget{}.query, IsEmpty());
}

}  // namespace
}  // namespace hss::gateway
