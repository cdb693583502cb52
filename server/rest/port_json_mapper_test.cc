#include "server/rest/port_json_mapper.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::hss::ports::v1::ListPortsResponse;
using ::hss::ports::v1::PortStatus;
using ::testing::HasSubstr;
using ::testing::Not;

// The record cap of the tests that do not test it: more than any body holds.
constexpr int kLimit = 200;

ListPortsResponse FromText(const std::string& text) {
  ListPortsResponse response;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &response)) << text;
  return response;
}

// Asserts that `body` maps to `want_text` (a text-format ListPortsResponse).
void ExpectMaps(const std::string& body, const std::string& want_text, bool want_has_total_num,
                int want_skipped) {
  SCOPED_TRACE(body);
  absl::StatusOr<MappedPage> page = MapListPortsBody(body, kLimit);
  ASSERT_TRUE(page.ok()) << page.status();
  ListPortsResponse want = FromText(want_text);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(page->response, want))
      << "got:\n"
      << page->response.DebugString() << "want:\n"
      << want.DebugString();
  EXPECT_EQ(page->has_total_num, want_has_total_num);
  EXPECT_EQ(page->skipped_values, want_skipped);
  EXPECT_EQ(page->dropped_records, 0);
}

// The example response of the HSS API reference, verbatim.
constexpr char kSeedExample[] = R"({
"data_list" : [ {
"agent_id" : "eb5d03f02fffd85aaf5d0ba5c992d97713244f420e0b076dcf6ae0574c78aa4b",
"container_id" : "",
"host_id" : "dd91cd32-a238-4c0e-bc01-3b11653714ac",
"laddr" : "0.0.0.0",
"path" : "/usr/sbin/dhclient",
"pid" : 1507,
"port" : 68,
"status" : "unknow",
"type" : "UDP"
}, {
"agent_id" : "eb5d03f02fffd85aaf5d0ba5c992d97713244f420e0b076dcf6ae0574c78aa4b",
"container_id" : "",
"host_id" : "dd91cd32-a238-4c0e-bc01-3b11653714ac",
"laddr" : "127.0.0.1",
"path" : "/usr/sbin/chronyd",
"pid" : 493,
"port" : 323,
"status" : "unknow",
"type" : "UDP"
} ],
"total_num" : 2
})";

TEST(MapListPortsBodyTest, SeedExample) {
  ExpectMaps(kSeedExample, R"pb(
               total_num: 2
               data_list {
                 agent_id: "eb5d03f02fffd85aaf5d0ba5c992d97713244f420e0b076dcf6ae0574c78aa4b"
                 host_id: "dd91cd32-a238-4c0e-bc01-3b11653714ac"
                 laddr: "0.0.0.0"
                 path: "/usr/sbin/dhclient"
                 pid: 1507
                 port: 68
                 status: PORT_STATUS_UNKNOWN
                 status_text: "unknow"
                 type: PROTOCOL_UDP
               }
               data_list {
                 agent_id: "eb5d03f02fffd85aaf5d0ba5c992d97713244f420e0b076dcf6ae0574c78aa4b"
                 host_id: "dd91cd32-a238-4c0e-bc01-3b11653714ac"
                 laddr: "127.0.0.1"
                 path: "/usr/sbin/chronyd"
                 pid: 493
                 port: 323
                 status: PORT_STATUS_UNKNOWN
                 status_text: "unknow"
                 type: PROTOCOL_UDP
               }
             )pb",
             true, 0);
}

TEST(MapListPortsBodyTest, Table) {
  struct Case {
    std::string name;
    std::string body;
    std::string want;
    bool has_total_num;
    int skipped;
  };
  const Case cases[] = {
      {"empty object", "{}", "", false, 0},
      {"whitespace around", " \r\n\t{}\n ", "", false, 0},
      {"zero ports", R"({"total_num":0,"data_list":[]})", "", true, 0},
      {"top-level nulls", R"({"total_num":null,"data_list":null})", "", false, 0},
      {"unknown top-level fields",
       R"({"extra":{"a":[1,2,{"b":null}]},"total_num":1,"next":"x","data_list":[{"port":22}]})",
       "total_num: 1 data_list { port: 22 }", true, 0},
      {"total_num string", R"({"total_num":"2"})", "", false, 1},
      {"total_num negative", R"({"total_num":-1})", "", false, 1},
      {"total_num above int32", R"({"total_num":2147483648})", "", false, 1},
      {"total_num max int32", R"({"total_num":2147483647})", "total_num: 2147483647", true, 0},
      {"total_num float", R"({"total_num":2.0})", "", false, 1},
      {"total_num bool", R"({"total_num":true})", "", false, 1},
      {"data_list object", R"({"total_num":3,"data_list":{"port":22}})", "total_num: 3", true, 1},
      {"data_list string", R"({"data_list":"[]"})", "", false, 1},
      {"records that are not objects", R"({"data_list":[1,"a",null,[],true,{}]})", "data_list {}",
       false, 5},
      {"record of nulls",
       R"({"data_list":[{"host_id":null,"laddr":null,"status":null,"port":null,"type":null,
           "pid":null,"path":null,"agent_id":null,"container_id":null}]})",
       "data_list {}", false, 0},
      {"unknown record fields",
       R"({"data_list":[{"port":80,"future":{"deep":[[[]]]},"uid":0,"type":"TCP"}]})",
       "data_list { port: 80 type: PROTOCOL_TCP }", false, 0},
      {"IPv6 laddrs",
       R"({"data_list":[{"laddr":"::"},{"laddr":"fe80::1%eth0"},{"laddr":"2001:db8::1"}]})",
       R"pb(data_list { laddr: "::" }
            data_list { laddr: "fe80::1%eth0" }
            data_list { laddr: "2001:db8::1" })pb",
       false, 0},
      {"UTF-8 path, raw and escaped",
       "{\"data_list\":[{\"path\":\"/opt/\xE5\xBA\x94\xE7\x94\xA8/bin\"},"
       "{\"path\":\"/opt/\\u5e94\\u7528/\\ud83d\\ude00\"}]}",
       "data_list { path: \"/opt/\xE5\xBA\x94\xE7\x94\xA8/bin\" } "
       "data_list { path: \"/opt/\xE5\xBA\x94\xE7\x94\xA8/\xF0\x9F\x98\x80\" }",
       false, 0},
      {"path with escapes and NUL", R"({"data_list":[{"path":"C:\\a \"b\"\u0000\n"}]})",
       R"pb(data_list { path: "C:\\a \"b\"\000\n" })pb", false, 0},
      {"path of invalid UTF-8", "{\"data_list\":[{\"path\":\"/a\xFF\xFE\",\"port\":1}]}",
       "data_list { port: 1 }", false, 1},
      {"path with a lone low surrogate", R"({"data_list":[{"path":"\udc00","port":1}]})",
       "data_list { port: 1 }", false, 1},
      {"status spellings",
       R"({"data_list":[{"status":"normal"},{"status":"DANGER"},{"status":"Unknown"},
           {"status":"unknow"},{"status":"quarantined"},{"status":""}]})",
       R"pb(data_list { status: PORT_STATUS_NORMAL status_text: "normal" }
            data_list { status: PORT_STATUS_DANGER status_text: "DANGER" }
            data_list { status: PORT_STATUS_UNKNOWN status_text: "Unknown" }
            data_list { status: PORT_STATUS_UNKNOWN status_text: "unknow" }
            data_list { status_text: "quarantined" }
            data_list {})pb",
       false, 0},
      {"type spellings",
       R"({"data_list":[{"type":"tcp"},{"type":"Udp"},{"type":"SCTP"},{"type":""}]})",
       R"pb(data_list { type: PROTOCOL_TCP }
            data_list { type: PROTOCOL_UDP }
            data_list {}
            data_list {})pb",
       false, 0},
      {"port range", R"({"data_list":[{"port":0},{"port":65535},{"port":-1},{"port":65536}]})",
       "data_list {} data_list { port: 65535 } data_list {} data_list {}", false, 2},
      {"pid range",
       R"({"data_list":[{"pid":0},{"pid":2147483647},{"pid":-1},{"pid":2147483648},
           {"pid":1e3}]})",
       "data_list {} data_list { pid: 2147483647 } data_list {} data_list {} data_list {}", false,
       3},
      {"wrong types, each counted",
       R"({"total_num":1,"data_list":[{"host_id":true,"laddr":7,"status":1,"port":"68","type":17,
           "pid":1.5,"path":[],"agent_id":{},"container_id":false}]})",
       "total_num: 1 data_list {}", true, 9},
      {"a bad field leaves the record's good fields",
       R"({"data_list":[{"port":68.0,"host_id":"h","pid":"1507","type":"udp"}]})",
       R"pb(data_list { host_id: "h" type: PROTOCOL_UDP })pb", false, 2},
      {"repeated keys: the last wins",
       R"({"total_num":1,"data_list":[{"port":1}],"total_num":5,"data_list":[{"port":2}]})",
       "total_num: 5 data_list { port: 2 }", true, 0},
      {"container_id empty and set",
       R"({"data_list":[{"container_id":""},{"container_id":"c0ffee"}]})",
       R"pb(data_list {}
            data_list { container_id: "c0ffee" })pb",
       false, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectMaps(c.body, c.want, c.has_total_num, c.skipped);
  }
}

// Builds `{"garbage":[[...]],"total_num":1}` with `arrays` nested arrays: the
// deepest value is at level arrays + 1.
std::string NestedGarbage(int arrays) {
  return R"({"garbage":)" + std::string(arrays, '[') + std::string(arrays, ']') +
         R"(,"total_num":1})";
}

TEST(MapListPortsBodyTest, NestingUpToTheLimitIsIgnoredInUnknownFields) {
  ExpectMaps(NestedGarbage(kMaxJsonDepth - 1), "total_num: 1", true, 0);
  ExpectMaps(R"({"data_list":[{"port":1,"x":)" + std::string(kMaxJsonDepth - 3, '[') +
                 std::string(kMaxJsonDepth - 3, ']') + "}]}",
             "data_list { port: 1 }", false, 0);
}

TEST(MapListPortsBodyTest, NestingPastTheLimitIsMalformed) {
  for (const int arrays : {kMaxJsonDepth, 200000}) {
    SCOPED_TRACE(arrays);
    const std::string body = NestedGarbage(arrays);
    absl::StatusOr<MappedPage> page = MapListPortsBody(body, kLimit);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(std::string(page.status().message()),
                HasSubstr(absl::StrCat("nested deeper than ", kMaxJsonDepth, " levels (at byte ",
                                       11 + kMaxJsonDepth - 1, " of ", body.size(), ")")));
    auto info = GetErrorInfo(page.status());
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), "UPSTREAM_MALFORMED_RESPONSE");
  }
}

TEST(MapListPortsBodyTest, DeepRecordsAndRootsAreMalformedToo) {
  const std::string deep_record = R"({"data_list":[{"x":)" + std::string(kMaxJsonDepth - 2, '[') +
                                  std::string(kMaxJsonDepth - 2, ']') + "}]}";
  const std::string deep_root =
      std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  for (const std::string& body : {deep_record, deep_root}) {
    absl::StatusOr<MappedPage> page = MapListPortsBody(body, kLimit);
    ASSERT_FALSE(page.ok()) << body;
    EXPECT_THAT(std::string(page.status().message()), HasSubstr("nested deeper than"));
  }
}

// The first `max_records` objects are mapped; the rest are dropped unread, so
// their wrong fields are not counted, while non-objects still are.
TEST(MapListPortsBodyTest, RecordsPastTheCapAreDroppedUnread) {
  const std::string body =
      R"({"total_num":9,"data_list":[{"port":1},7,{"port":2,"pid":"x"},{"port":3},)"
      R"({"port":"bad","pid":-1,"deep":[[[]]]},null,{},{"host_id":true}]})";
  absl::StatusOr<MappedPage> page = MapListPortsBody(body, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      page->response, FromText("total_num: 9 data_list { port: 1 } data_list { port: 2 }")))
      << page->response.DebugString();
  EXPECT_EQ(page->skipped_values, 3);  // 7, "pid":"x", null.
  EXPECT_EQ(page->dropped_records, 4);
}

TEST(MapListPortsBodyTest, CapOfZeroOrLessKeepsNoRecord) {
  for (const int max_records : {0, -5}) {
    absl::StatusOr<MappedPage> page = MapListPortsBody(
        std::string(R"({"total_num":2,"data_list":[{"port":1},{}]})"), max_records);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->response.data_list_size(), 0);
    EXPECT_EQ(page->response.total_num(), 2);
    EXPECT_EQ(page->dropped_records, 2);
  }
}

TEST(MapListPortsBodyTest, RepeatedDataListCountsTheLastOnesDrops) {
  absl::StatusOr<MappedPage> page = MapListPortsBody(
      std::string(R"({"data_list":[{},{},{},{}],"data_list":[{"port":5},{"port":6}]})"), 1);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(page->response,
                                                                 FromText("data_list { port: 5 }")))
      << page->response.DebugString();
  EXPECT_EQ(page->dropped_records, 1);
}

// A hostile 200 answer of two million empty records maps to `limit` ports.
TEST(MapListPortsBodyTest, MillionsOfEmptyRecordsKeepOnlyTheCap) {
  const int records = 2000000;
  std::string body = R"({"total_num":2000000,"data_list":[)";
  body.reserve(body.size() + 3 * records + 2);
  for (int i = 0; i < records; ++i) body += i == 0 ? "{}" : ",{}";
  body += "]}";
  absl::StatusOr<MappedPage> page = MapListPortsBody(std::move(body), 200);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->response.data_list_size(), 200);
  EXPECT_EQ(page->dropped_records, records - 200);
  EXPECT_EQ(page->skipped_values, 0);
}

TEST(MapListPortsBodyTest, BothOverloadsAgree) {
  const std::string body = R"({"total_num":3,"data_list":[{"port":1},{"port":2},{"port":3}]})";
  absl::StatusOr<MappedPage> from_view = MapListPortsBody(absl::string_view(body), 2);
  absl::StatusOr<MappedPage> from_string = MapListPortsBody(std::string(body), 2);
  ASSERT_TRUE(from_view.ok());
  ASSERT_TRUE(from_string.ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_view->response,
                                                                 from_string->response));
  EXPECT_EQ(from_view->dropped_records, 1);
  EXPECT_EQ(from_string->dropped_records, 1);
}

TEST(MaxRecordsForLimitTest, ZeroMeansTheUpstreamDefault) {
  EXPECT_EQ(MaxRecordsForLimit(0), kUpstreamDefaultLimit);
  EXPECT_EQ(MaxRecordsForLimit(-1), kUpstreamDefaultLimit);
  EXPECT_EQ(MaxRecordsForLimit(10), 10);
  EXPECT_EQ(MaxRecordsForLimit(200), 200);
}

TEST(MapListPortsBodyTest, ManyRecords) {
  std::string body = R"({"total_num":200,"data_list":[)";
  for (int i = 0; i < 200; ++i) {
    absl::StrAppend(&body, i == 0 ? "" : ",", R"({"port":)", i, R"(,"laddr":"10.0.0.)", i % 256,
                    R"(","path":"/usr/lib/some/fairly/long/path/to/a/daemon/binary"})");
  }
  body += "]}";
  absl::StatusOr<MappedPage> page = MapListPortsBody(body, 200);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->response.data_list_size(), 200);
  EXPECT_EQ(page->response.data_list(199).port(), 199);
  EXPECT_EQ(page->response.data_list(57).laddr(), "10.0.0.57");
  EXPECT_EQ(page->skipped_values, 0);
}

TEST(MapListPortsBodyTest, MalformedBodies) {
  struct Case {
    std::string name;
    std::string body;
    std::string want_message;  // A substring of the status message.
  };
  const Case cases[] = {
      {"empty body", "", "not valid JSON: The document is empty. (at byte 0 of 0)"},
      {"blank body", "  \n", "The document is empty."},
      {"array", "[]", "not an object: got an array"},
      {"null", "null", "not an object: got null"},
      {"number", "42", "not an object: got a number"},
      {"string", R"("{}")", "not an object: got a string"},
      {"boolean", "true", "not an object: got a boolean"},
      {"truncated object", R"({"total_num":2,"data_list":[{"port":6)", "not valid JSON"},
      {"open brace", "{", "not valid JSON"},
      {"trailing comma", R"({"a":1,})", "not valid JSON"},
      {"trailing garbage", "{} {}", "The document root must not be followed by other values."},
      {"single quotes", "{'a':1}", "not valid JSON"},
      {"NaN", R"({"total_num":NaN})", "not valid JSON"},
      {"HTML error page", "<html><body>502 Bad Gateway</body></html>", "at byte 0 of 41"},
      {"lone high surrogate", R"({"path":"\ud800"})", "surrogate"},
      {"unbalanced deep nesting", std::string(100000, '['), "nested deeper than 64 levels"},
      {"binary", std::string("\x00\x01\xFF{", 4), "not valid JSON"},
      {"NUL after a complete object", std::string("{\"total_num\":1}\0{}", 18),
       "not valid JSON: a NUL byte (at byte 15 of 18)"},
      {"NUL inside a string", std::string("{\"path\":\"a\0b\"}", 14), "a NUL byte (at byte 10"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<MappedPage> page = MapListPortsBody(c.body, kLimit);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(std::string(page.status().message()), HasSubstr(c.want_message));
    auto info = GetErrorInfo(page.status());
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), "UPSTREAM_MALFORMED_RESPONSE");
  }
}

TEST(MapListPortsBodyTest, ErrorMessageNeverDumpsTheBody) {
  const std::string body = R"({"token":"SECRET-TOKEN-VALUE","data_list":[)";
  absl::StatusOr<MappedPage> page = MapListPortsBody(body, kLimit);
  ASSERT_FALSE(page.ok());
  EXPECT_THAT(std::string(page.status().message()), Not(HasSubstr("SECRET")));
  EXPECT_LT(page.status().message().size(), 160u);
}

TEST(ParsePortStatusTest, Table) {
  struct Case {
    std::string text;
    PortStatus want;
  };
  const Case cases[] = {
      {"normal", hss::ports::v1::PORT_STATUS_NORMAL},
      {"NORMAL", hss::ports::v1::PORT_STATUS_NORMAL},
      {"Normal", hss::ports::v1::PORT_STATUS_NORMAL},
      {"danger", hss::ports::v1::PORT_STATUS_DANGER},
      {"dAnGeR", hss::ports::v1::PORT_STATUS_DANGER},
      {"unknown", hss::ports::v1::PORT_STATUS_UNKNOWN},
      {"UNKNOWN", hss::ports::v1::PORT_STATUS_UNKNOWN},
      {"unknow", hss::ports::v1::PORT_STATUS_UNKNOWN},
      {"UnKnOw", hss::ports::v1::PORT_STATUS_UNKNOWN},
      {"", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {" normal", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {"normal ", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {"norm", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {"unknowns", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {"unkno", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {"risky", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {"PORT_STATUS_NORMAL", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {"1", hss::ports::v1::PORT_STATUS_UNSPECIFIED},
      {std::string("normal\0", 7), hss::ports::v1::PORT_STATUS_UNSPECIFIED},
  };
  for (const auto& c : cases) EXPECT_EQ(ParsePortStatus(c.text), c.want) << c.text;
}

}  // namespace
}  // namespace hss::gateway
