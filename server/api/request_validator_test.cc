#include "server/api/request_validator.h"

#include <climits>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::hss::ports::v1::Category;
using ::hss::ports::v1::ListPortsRequest;
using ::hss::ports::v1::PortStatus;
using ::hss::ports::v1::Protocol;
using ::hss::ports::v1::StreamPortsRequest;
using ::hss::ports::v1::WatchPortsRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// (field, description) of each violation, in order.
using ViolationList = std::vector<std::pair<std::string, std::string>>;

ViolationList ViolationsOf(const absl::Status& status) {
  ViolationList out;
  auto bad_request = GetBadRequest(status);
  if (!bad_request) return out;
  for (const auto& v : bad_request->field_violations())
    out.emplace_back(v.field(), v.description());
  return out;
}

absl::Status Validate(const ListPortsRequest& r, absl::string_view default_project_id) {
  return ValidateListPortsRequest(r, default_project_id);
}
absl::Status Validate(const StreamPortsRequest& r, absl::string_view default_project_id) {
  return ValidateStreamPortsRequest(r, default_project_id);
}
absl::Status Validate(const WatchPortsRequest& r, absl::string_view default_project_id) {
  return ValidateWatchPortsRequest(r, default_project_id);
}

template <typename Request>
Request ValidRequest() {
  Request r;
  r.set_project_id("0605767a3300d5762fb7c0186d9e1779");
  r.set_host_id("dd91cd32-a238-4c0e-bc01-3b11653714ac");
  return r;
}

std::string Repeat(absl::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, s);
  return out;
}

const std::string kE = "\xC3\xA9";  // "é": one character, two bytes.

// One common-field case: a mutation of ValidRequest() and the expected outcome.
template <typename Request>
struct Case {
  std::string name;
  std::function<void(Request&)> mutate;
  std::string default_project_id;
  // Empty: the request is valid. Otherwise the one violated field and a
  // substring its description must contain.
  std::string field;
  std::string description;
};

template <typename Request>
std::vector<Case<Request>> CommonCases() {
  using R = Request;
  return {
      {"valid", [](R&) {}, "", "", ""},
      {"all optional filters at their maxima",
       [](R& r) {
         r.set_host_id(Repeat("h", 128));
         r.set_host_name(Repeat(kE, 128));
         r.set_host_ip(Repeat("1", 128));
         r.set_enterprise_project_id(Repeat("e", 256));
         r.set_port(65535);
         r.set_type(hss::ports::v1::PROTOCOL_UDP);
         r.set_status(hss::ports::v1::PORT_STATUS_UNKNOWN);
         r.set_category(hss::ports::v1::CATEGORY_CONTAINER);
       },
       "", "", ""},
      // project_id
      {"project from default", [](R& r) { r.clear_project_id(); }, "default-project", "", ""},
      {"request project wins over a bad default", [](R&) {}, "bad/default", "", ""},
      {"no project anywhere", [](R& r) { r.clear_project_id(); }, "", "project_id",
       "required: set project_id in the request or start the gateway with --project_id"},
      {"project 64 chars", [](R& r) { r.set_project_id(Repeat("p", 64)); }, "", "", ""},
      {"project 64 two-byte chars", [](R& r) { r.set_project_id(Repeat(kE, 64)); }, "", "", ""},
      {"project 65 chars", [](R& r) { r.set_project_id(Repeat("p", 65)); }, "", "project_id",
       "must be 1-64 characters, got 65"},
      {"project slash", [](R& r) { r.set_project_id("a/b"); }, "", "project_id",
       R"(must be a single path segment without '/', '\', '?', '#' or '%', got "a/b")"},
      {"project traversal", [](R& r) { r.set_project_id("../x"); }, "", "project_id",
       "single path segment"},
      {"project backslash", [](R& r) { r.set_project_id("a\\b"); }, "", "project_id",
       R"(got "a\\b")"},
      {"project question", [](R& r) { r.set_project_id("a?b"); }, "", "project_id",
       "single path segment"},
      {"project hash", [](R& r) { r.set_project_id("a#b"); }, "", "project_id",
       "single path segment"},
      {"project percent", [](R& r) { r.set_project_id("a%2Fb"); }, "", "project_id",
       "single path segment"},
      {"project dot", [](R& r) { r.set_project_id("."); }, "", "project_id",
       R"(must not be "." or "..")"},
      {"project dotdot", [](R& r) { r.set_project_id(".."); }, "", "project_id",
       R"(must not be "." or "..")"},
      {"project three dots", [](R& r) { r.set_project_id("..."); }, "", "", ""},
      {"project LF", [](R& r) { r.set_project_id("a\nb"); }, "", "project_id",
       R"(must not contain control characters (such as CR, LF or NUL), got "a\nb")"},
      {"project DEL", [](R& r) { r.set_project_id("a\x7f"); }, "", "project_id", R"(got "a\x7F")"},
      {"project invalid UTF-8", [](R& r) { r.set_project_id("a\xFF"); }, "", "project_id",
       R"(must be valid UTF-8, got "a\xFF")"},
      {"bad default project", [](R& r) { r.clear_project_id(); }, "a/b", "project_id",
       R"(got "a/b" (the gateway's --project_id))"},
      {"too long default project", [](R& r) { r.clear_project_id(); }, Repeat("p", 65),
       "project_id", "must be 1-64 characters, got 65 (the gateway's --project_id)"},
      // host_id
      {"host_id missing", [](R& r) { r.clear_host_id(); }, "", "host_id",
       "required (1-128 characters)"},
      {"host_id 1 char", [](R& r) { r.set_host_id("h"); }, "", "", ""},
      {"host_id 128 two-byte chars", [](R& r) { r.set_host_id(Repeat(kE, 128)); }, "", "", ""},
      {"host_id 129 chars", [](R& r) { r.set_host_id(Repeat("h", 129)); }, "", "host_id",
       "must be 1-128 characters, got 129"},
      {"host_id NUL", [](R& r) { r.set_host_id(std::string("a\0b", 3)); }, "", "host_id",
       R"(got "a\x00b")"},
      {"host_id CRLF", [](R& r) { r.set_host_id("a\r\nX-Evil: 1"); }, "", "host_id",
       R"(got "a\r\nX-Evil: 1")"},
      {"host_id tab", [](R& r) { r.set_host_id("a\tb"); }, "", "host_id", R"(got "a\tb")"},
      {"host_id quote is escaped", [](R& r) { r.set_host_id("a\"\n"); }, "", "host_id",
       R"(got "a\"\n")"},
      {"host_id overlong '/'", [](R& r) { r.set_host_id("\xC0\xAF"); }, "", "host_id",
       R"(must be valid UTF-8, got "\xC0\xAF")"},
      {"host_id surrogate", [](R& r) { r.set_host_id("\xED\xA0\x80"); }, "", "host_id",
       "must be valid UTF-8"},
      {"host_id truncated sequence", [](R& r) { r.set_host_id("\xE4\xB8"); }, "", "host_id",
       "must be valid UTF-8"},
      {"host_id above U+10FFFF", [](R& r) { r.set_host_id("\xF4\x90\x80\x80"); }, "", "host_id",
       "must be valid UTF-8"},
      {"host_id emoji", [](R& r) { r.set_host_id("\xF0\x9F\x98\x80"); }, "", "", ""},
      {"host_id C1 control is not a C0 control", [](R& r) { r.set_host_id("a\xC2\x85"); }, "", "",
       ""},
      // host_name, host_ip, enterprise_project_id
      {"host_name 129", [](R& r) { r.set_host_name(Repeat("n", 129)); }, "", "host_name",
       "must be at most 128 characters, got 129"},
      {"host_name LF", [](R& r) { r.set_host_name("a\n"); }, "", "host_name", "control"},
      {"host_name invalid UTF-8", [](R& r) { r.set_host_name("\x80"); }, "", "host_name",
       "valid UTF-8"},
      {"host_ip IPv6", [](R& r) { r.set_host_ip("fe80::1%eth0"); }, "", "", ""},
      {"host_ip 129", [](R& r) { r.set_host_ip(Repeat("1", 129)); }, "", "host_ip",
       "must be at most 128 characters, got 129"},
      {"host_ip CR", [](R& r) { r.set_host_ip("1.2.3.4\r"); }, "", "host_ip", "control"},
      {"enterprise_project_id all_granted_eps",
       [](R& r) { r.set_enterprise_project_id("all_granted_eps"); }, "", "", ""},
      {"enterprise_project_id 257", [](R& r) { r.set_enterprise_project_id(Repeat("e", 257)); }, "",
       "enterprise_project_id", "must be at most 256 characters, got 257"},
      {"enterprise_project_id NUL", [](R& r) { r.set_enterprise_project_id(std::string(1, '\0')); },
       "", "enterprise_project_id", "control"},
      // port
      {"port 1", [](R& r) { r.set_port(1); }, "", "", ""},
      {"port 0", [](R& r) { r.set_port(0); }, "", "port", "must be 1-65535 when set, got 0"},
      {"port -1", [](R& r) { r.set_port(-1); }, "", "port", "got -1"},
      {"port 65536", [](R& r) { r.set_port(65536); }, "", "port", "got 65536"},
      {"port INT_MIN", [](R& r) { r.set_port(INT_MIN); }, "", "port", "got -2147483648"},
      // enums
      {"type 7", [](R& r) { r.set_type(static_cast<Protocol>(7)); }, "", "type",
       "must be one of PROTOCOL_UNSPECIFIED, PROTOCOL_TCP, PROTOCOL_UDP, got 7"},
      {"type -1", [](R& r) { r.set_type(static_cast<Protocol>(-1)); }, "", "type", "got -1"},
      {"status 4", [](R& r) { r.set_status(static_cast<PortStatus>(4)); }, "", "status",
       "must be one of PORT_STATUS_UNSPECIFIED, PORT_STATUS_NORMAL, PORT_STATUS_DANGER, "
       "PORT_STATUS_UNKNOWN, got 4"},
      {"category 3", [](R& r) { r.set_category(static_cast<Category>(3)); }, "", "category",
       "must be one of CATEGORY_UNSPECIFIED, CATEGORY_HOST, CATEGORY_CONTAINER, got 3"},
  };
}

template <typename Request>
class CommonFieldsTest : public ::testing::Test {};

using RequestTypes = ::testing::Types<ListPortsRequest, StreamPortsRequest, WatchPortsRequest>;
TYPED_TEST_SUITE(CommonFieldsTest, RequestTypes);

TYPED_TEST(CommonFieldsTest, Table) {
  for (const auto& c : CommonCases<TypeParam>()) {
    SCOPED_TRACE(c.name);
    TypeParam r = ValidRequest<TypeParam>();
    c.mutate(r);
    absl::Status status = Validate(r, c.default_project_id);
    if (c.field.empty()) {
      EXPECT_TRUE(status.ok()) << status;
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    ViolationList violations = ViolationsOf(status);
    ASSERT_EQ(violations.size(), 1u) << status;
    EXPECT_EQ(violations[0].first, c.field);
    EXPECT_THAT(violations[0].second, HasSubstr(c.description));
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(absl::StrCat(c.field, ": ", violations[0].second)));
  }
}

TYPED_TEST(CommonFieldsTest, ErrorInfoAndMessagePrefix) {
  TypeParam r = ValidRequest<TypeParam>();
  r.clear_host_id();
  absl::Status status = Validate(r, "");
  auto info = GetErrorInfo(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "INVALID_REQUEST");
  EXPECT_EQ(info->domain(), kErrorDomain);
  const std::string rpc = std::is_same_v<TypeParam, ListPortsRequest>    ? "ListPorts"
                          : std::is_same_v<TypeParam, WatchPortsRequest> ? "WatchPorts"
                                                                         : "StreamPorts";
  EXPECT_EQ(status.message(),
            absl::StrCat("invalid ", rpc, " request: host_id: required (1-128 characters)"));
}

TYPED_TEST(CommonFieldsTest, QuotesAtMost64BytesOfAValue) {
  struct QuoteCase {
    std::string name;
    std::string value;
    std::string want_quote;
  };
  const QuoteCase cases[] = {
      // absl::StrCat, not operator+: GCC 12 at -O3 reports a false -Wrestrict
      // for `"literal" + std::string` (GCC bug 105329).
      {"long ASCII", absl::StrCat(Repeat("A", 1000), "\n"),
       absl::StrCat("\"", Repeat("A", 64), "\"...")},
      {"long controls", Repeat("\x01", 300), absl::StrCat("\"", Repeat("\\x01", 64), "\"...")},
      // The cut falls on a character boundary: 32 two-byte characters fill 64 bytes.
      {"long UTF-8", absl::StrCat("\n", Repeat(kE, 100)),
       absl::StrCat("\"\\n", Repeat(kE, 32), "\"...")},
      {"bidi override escaped", "\xE2\x80\xAE\n", "\"\\u202E\\n\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TypeParam r = ValidRequest<TypeParam>();
    r.set_host_name(c.value);
    ViolationList violations = ViolationsOf(Validate(r, ""));
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].second,
              absl::StrCat("must not contain control characters (such as CR, LF or NUL), got ",
                           c.want_quote));
  }
}

TEST(ListPortsValidatorTest, Paging) {
  struct PagingCase {
    int limit;
    int offset;
    ViolationList want;
  };
  const PagingCase cases[] = {
      {0, 0, {}},
      {10, 0, {}},
      {200, 2000000, {}},
      {100, 1, {}},
      {9, 0, {{"limit", "must be 0 or 10-200, got 9"}}},
      {1, 0, {{"limit", "must be 0 or 10-200, got 1"}}},
      {201, 0, {{"limit", "must be 0 or 10-200, got 201"}}},
      {-1, 0, {{"limit", "must be 0 or 10-200, got -1"}}},
      {INT_MIN, 0, {{"limit", "must be 0 or 10-200, got -2147483648"}}},
      {0, -1, {{"offset", "must be 0-2000000, got -1"}}},
      {0, 2000001, {{"offset", "must be 0-2000000, got 2000001"}}},
      {0, INT_MAX, {{"offset", "must be 0-2000000, got 2147483647"}}},
      {5, -5, {{"limit", "must be 0 or 10-200, got 5"}, {"offset", "must be 0-2000000, got -5"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(absl::StrCat("limit=", c.limit, " offset=", c.offset));
    ListPortsRequest r = ValidRequest<ListPortsRequest>();
    r.set_limit(c.limit);
    r.set_offset(c.offset);
    absl::Status status = ValidateListPortsRequest(r, "");
    EXPECT_EQ(status.ok(), c.want.empty()) << status;
    EXPECT_EQ(ViolationsOf(status), c.want);
  }
}

TEST(StreamPortsValidatorTest, Paging) {
  struct PagingCase {
    int page_size;
    int start_offset;
    ViolationList want;
  };
  const PagingCase cases[] = {
      {0, 0, {}},
      {10, 0, {}},
      {200, 2000000, {}},
      {9, 0, {{"page_size", "must be 0 or 10-200, got 9"}}},
      {201, 0, {{"page_size", "must be 0 or 10-200, got 201"}}},
      {-10, 0, {{"page_size", "must be 0 or 10-200, got -10"}}},
      {0, -1, {{"start_offset", "must be 0-2000000, got -1"}}},
      {0, 2000001, {{"start_offset", "must be 0-2000000, got 2000001"}}},
      {1,
       INT_MIN,
       {{"page_size", "must be 0 or 10-200, got 1"},
        {"start_offset", "must be 0-2000000, got -2147483648"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(absl::StrCat("page_size=", c.page_size, " start_offset=", c.start_offset));
    StreamPortsRequest r = ValidRequest<StreamPortsRequest>();
    r.set_page_size(c.page_size);
    r.set_start_offset(c.start_offset);
    absl::Status status = ValidateStreamPortsRequest(r, "");
    EXPECT_EQ(status.ok(), c.want.empty()) << status;
    EXPECT_EQ(ViolationsOf(status), c.want);
  }
}

TEST(WatchPortsValidatorTest, IntervalSeconds) {
  for (int ok : {0, 1, 30, 86400}) {
    WatchPortsRequest r = ValidRequest<WatchPortsRequest>();
    r.set_interval_seconds(ok);
    EXPECT_TRUE(ValidateWatchPortsRequest(r, "").ok()) << ok;
  }
  WatchPortsRequest r = ValidRequest<WatchPortsRequest>();
  r.set_interval_seconds(-1);
  r.set_port(0);
  absl::Status status = ValidateWatchPortsRequest(r, "");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("invalid WatchPorts request"));
  const ViolationList violations = ViolationsOf(status);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[1].first, "interval_seconds");
  EXPECT_EQ(violations[1].second, "must be 0 (the gateway's default) or 1-86400 seconds, got -1");
}

TEST(ListPortsValidatorTest, MessageOfTheSpecExample) {
  ListPortsRequest r = ValidRequest<ListPortsRequest>();
  r.clear_host_id();
  r.set_limit(5);
  absl::Status status = ValidateListPortsRequest(r, "");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "invalid ListPorts request: host_id: required (1-128 characters); limit: must be 0 or "
            "10-200, got 5");
}

TEST(ListPortsValidatorTest, CollectsEveryViolationInFieldOrder) {
  ListPortsRequest r;
  r.set_host_name(Repeat("n", 129));
  r.set_host_ip("\n");
  r.set_port(0);
  r.set_type(static_cast<Protocol>(7));
  r.set_status(static_cast<PortStatus>(9));
  r.set_enterprise_project_id("\xFF");
  r.set_category(static_cast<Category>(5));
  r.set_limit(1);
  r.set_offset(-1);
  absl::Status status = ValidateListPortsRequest(r, "");
  std::vector<std::string> fields;
  for (const auto& v : ViolationsOf(status)) fields.push_back(v.first);
  EXPECT_THAT(fields,
              ElementsAre("project_id", "host_id", "host_name", "host_ip", "port", "type", "status",
                          "enterprise_project_id", "category", "limit", "offset"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("; offset: must be 0-2000000, got -1"));
}

TEST(StreamPortsValidatorTest, CollectsEveryViolation) {
  StreamPortsRequest r;
  r.set_project_id("..");
  r.set_host_id(Repeat("h", 200));
  r.set_page_size(500);
  r.set_start_offset(-3);
  ViolationList violations = ViolationsOf(ValidateStreamPortsRequest(r, "fallback"));
  EXPECT_THAT(violations, ElementsAre(Pair("project_id", R"(must not be "." or "..")"),
                                      Pair("host_id", "must be 1-128 characters, got 200"),
                                      Pair("page_size", "must be 0 or 10-200, got 500"),
                                      Pair("start_offset", "must be 0-2000000, got -3")));
}

TEST(ValidatorTest, OkStatusCarriesNoDetails) {
  absl::Status status = ValidateListPortsRequest(ValidRequest<ListPortsRequest>(), "");
  EXPECT_TRUE(status.ok());
  EXPECT_THAT(ViolationsOf(status), IsEmpty());
}

}  // namespace
}  // namespace hss::gateway
