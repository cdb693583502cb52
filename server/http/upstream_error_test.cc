#include "server/http/upstream_error.h"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// A fixed "now": Tue, 15 Nov 1994 08:12:31 GMT.
const absl::Time kNow = absl::FromUnixSeconds(784887151);

// True if `s` is valid UTF-8 without C0 controls or DEL.
bool IsCleanText(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return false;
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c >= 0x80 && c < 0xC2) return false;
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

TEST(StatusTableTest, EveryRow) {
  struct Case {
    int http_status;
    std::string upstream_code;
    absl::StatusCode want_code;
    std::string want_reason;
  };
  using C = absl::StatusCode;
  const Case cases[] = {
      {400, "", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "HSS.0001", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "APIG.0201", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "HSS.0010", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "HSS.0013", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "hss.0013", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "HSS.0011", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "HSS.1001", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {400, "HSS.1007", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {401, "", C::kUnauthenticated, "UPSTREAM_UNAUTHENTICATED"},
      {401, "APIG.0301", C::kUnauthenticated, "UPSTREAM_UNAUTHENTICATED"},
      {401, "APIG.0307", C::kUnauthenticated, "UPSTREAM_TOKEN_EXPIRED"},
      {401, "apig.0307", C::kUnauthenticated, "UPSTREAM_TOKEN_EXPIRED"},
      {403, "", C::kPermissionDenied, "UPSTREAM_PERMISSION_DENIED"},
      {403, "HSS.0013", C::kPermissionDenied, "UPSTREAM_PERMISSION_DENIED"},
      {404, "", C::kNotFound, "UPSTREAM_NOT_FOUND"},
      {404, "HSS.0011", C::kNotFound, "UPSTREAM_NOT_FOUND"},
      {404, "APIG.0101", C::kInternal, "UPSTREAM_API_NOT_FOUND"},
      {408, "", C::kUnavailable, "UPSTREAM_TIMEOUT"},
      {409, "", C::kAborted, "UPSTREAM_CONFLICT"},
      {412, "", C::kFailedPrecondition, "UPSTREAM_FAILED_PRECONDITION"},
      {413, "APIG.0201", C::kInvalidArgument, "UPSTREAM_REQUEST_TOO_LARGE"},
      {414, "", C::kInvalidArgument, "UPSTREAM_REQUEST_TOO_LARGE"},
      {431, "", C::kInvalidArgument, "UPSTREAM_REQUEST_TOO_LARGE"},
      {494, "APIG.0201", C::kInvalidArgument, "UPSTREAM_REQUEST_TOO_LARGE"},
      {429, "", C::kResourceExhausted, "UPSTREAM_THROTTLED"},
      {429, "APIG.0308", C::kResourceExhausted, "UPSTREAM_THROTTLED"},
      // Other 4xx.
      {402, "", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {405, "", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {410, "", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {418, "", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      {499, "", C::kInvalidArgument, "UPSTREAM_INVALID_ARGUMENT"},
      // An error code only refines the row of its own HTTP status.
      {403, "APIG.0307", C::kPermissionDenied, "UPSTREAM_PERMISSION_DENIED"},
      {500, "APIG.0101", C::kInternal, "UPSTREAM_INTERNAL_ERROR"},
      {500, "", C::kInternal, "UPSTREAM_INTERNAL_ERROR"},
      {500, "HSS.0041", C::kInternal, "UPSTREAM_INTERNAL_ERROR"},
      {501, "", C::kUnimplemented, "UPSTREAM_NOT_IMPLEMENTED"},
      {502, "APIG.0201", C::kUnavailable, "UPSTREAM_UNAVAILABLE"},
      {503, "", C::kUnavailable, "UPSTREAM_UNAVAILABLE"},
      {504, "APIG.0201", C::kUnavailable, "UPSTREAM_TIMEOUT"},
      // Other 5xx.
      {505, "", C::kInternal, "UPSTREAM_INTERNAL_ERROR"},
      {507, "", C::kInternal, "UPSTREAM_INTERNAL_ERROR"},
      {599, "", C::kInternal, "UPSTREAM_INTERNAL_ERROR"},
      // Anything else.
      {100, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {199, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {200, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {204, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {301, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {302, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {304, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {399, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {600, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {0, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
      {-1, "", C::kInternal, "UPSTREAM_UNEXPECTED_STATUS"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.http_status, " ", c.upstream_code));
    EXPECT_EQ(StatusCodeForHttpStatus(c.http_status, c.upstream_code), c.want_code);
    EXPECT_EQ(ReasonForHttpStatus(c.http_status, c.upstream_code), c.want_reason);
    // UpstreamHttpError picks the same row.
    HttpResponse response;
    response.status = c.http_status;
    if (!c.upstream_code.empty()) {
      response.body = absl::StrCat(R"({"error_code":")", c.upstream_code, R"(","error_msg":"m"})");
    }
    absl::Status status = UpstreamHttpError(response, kNow);
    EXPECT_EQ(status.code(), c.want_code);
    auto info = GetErrorInfo(status);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), c.want_reason);
  }
}

TEST(ParseUpstreamErrorBodyTest, Shapes) {
  struct Case {
    std::string name;
    std::string body;
    int http_status;
    UpstreamErrorBody want;
  };
  const Case cases[] = {
      {"HSS",
       R"({"error_code":"HSS.0001","error_msg":"Invalid parameter: host_id"})",
       400,
       {"HSS.0001", "Invalid parameter: host_id", ""}},
      {"APIG with request_id",
       R"({"error_msg":"Incorrect IAM authentication information: decrypt token fail",
           "error_code":"APIG.0301","request_id":"3bc2c6a6d5b9e7b1cbb5ad2d1a0d9d63"})",
       401,
       {"APIG.0301", "Incorrect IAM authentication information: decrypt token fail",
        "3bc2c6a6d5b9e7b1cbb5ad2d1a0d9d63"}},
      {"error object with code",
       R"({"error":{"code":"HSS.0013","message":"no permission"}})",
       403,
       {"HSS.0013", "no permission", ""}},
      {"error object, numeric code and title (Keystone)",
       R"({"error":{"code":401,"title":"Unauthorized","message":"Authentication required."}})",
       401,
       {"401", "Authentication required.", ""}},
      {"error object with title only",
       R"({"error":{"title":"Forbidden"}})",
       403,
       {"403", "Forbidden", ""}},
      {"camelCase",
       R"({"errorCode":"CBC.0150","errorMsg":"Access denied."})",
       403,
       {"CBC.0150", "Access denied.", ""}},
      {"plain code and message",
       R"({"code":"ECS.0114","message":"busy"})",
       409,
       {"ECS.0114", "busy", ""}},
      {"numeric codes", R"({"error_code":12345,"error_msg":"n"})", 400, {"12345", "n", ""}},
      {"negative and float codes",
       R"({"error_code":-7,"errorCode":1.5,"error_msg":"n"})",
       400,
       {"-7", "n", ""}},
      {"float code", R"({"errorCode":1.5,"errorMsg":"n"})", 400, {"1.5", "n", ""}},
      {"code without message", R"({"error_code":"APIG.0101"})", 404, {"APIG.0101", "", ""}},
      {"message without code", R"({"error_msg":"went wrong"})", 500, {"500", "went wrong", ""}},
      {"empty strings count as absent",
       R"({"error_code":"","errorCode":"X.1","error_msg":"","message":"m"})",
       400,
       {"X.1", "m", ""}},
      {"first shape wins",
       R"({"code":"C","message":"M","error":{"code":"E","message":"EM"},"error_code":"EC",
           "error_msg":"EMSG"})",
       400,
       {"EC", "EMSG", ""}},
      {"requestId camelCase",
       R"({"error_code":"A","error_msg":"b","requestId":"r-1"})",
       400,
       {"A", "b", "r-1"}},
      {"request id inside error",
       R"({"error":{"code":"A","message":"b","request_id":"r-2"}})",
       400,
       {"A", "b", "r-2"}},
      {"wrong types ignored",
       R"({"error_code":true,"error_msg":{"x":1},"error":"flat","code":null,"request_id":[1]})",
       400,
       {"400",
        R"({"error_code":true,"error_msg":{"x":1},"error":"flat","code":null,"request_id":[1]})",
        ""}},
      {"unrelated JSON object", R"({"foo":"bar"})", 502, {"502", R"({"foo":"bar"})", ""}},
      {"JSON array", R"([{"error_code":"A"}])", 400, {"400", R"([{"error_code":"A"}])", ""}},
      {"empty body", "", 503, {"503", "(empty body)", ""}},
      {"blank body", " \r\n\t ", 503, {"503", "(empty body)", ""}},
      {"plain text", "Service Unavailable\r\n", 503, {"503", "Service Unavailable", ""}},
      {"HTML",
       "<html>\n<head><title>502 Bad Gateway</title></head>\n</html>\n",
       502,
       {"502", "<html> <head><title>502 Bad Gateway</title></head> </html>", ""}},
      {"truncated JSON",
       R"({"error_code":"HSS.0001","error_m)",
       400,
       {"400", R"({"error_code":"HSS.0001","error_m)", ""}},
      {"control characters in fields",
       "{\"error_code\":\"HSS.\\u0000\\n0001\",\"error_msg\":\"bad\\r\\nX-Evil: 1\\u001b[31m\","
       "\"request_id\":\"r\\n1\"}",
       400,
       {"HSS. 0001", "bad X-Evil: 1 [31m", "r 1"}},
      {"UTF-8 message kept",
       R"({"error_code":"HSS.0001","error_msg":"参数无效"})",
       400,
       {"HSS.0001", "参数无效", ""}},
      {"bidi override replaced",
       "{\"error_code\":\"A\",\"error_msg\":\"x\xE2\x80\xAEy\"}",
       400,
       {"A", "x y", ""}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    UpstreamErrorBody got = ParseUpstreamErrorBody(c.body, c.http_status);
    EXPECT_EQ(got.code, c.want.code);
    EXPECT_EQ(got.message, c.want.message);
    EXPECT_EQ(got.request_id, c.want.request_id);
  }
}

TEST(ParseUpstreamErrorBodyTest, HostileBodiesAreSanitizedAndCapped) {
  struct Case {
    std::string name;
    std::string body;
    std::size_t max_message;
  };
  std::string huge_json_message = R"({"error_code":"X","error_msg":")";
  huge_json_message += std::string(100000, 'm') + R"("})";
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>(i * 37 % 256));
  std::string many_cjk;
  for (int i = 0; i < 300; ++i) many_cjk += "\xE5\xBA\x94";  // 3 bytes each.
  const Case cases[] = {
      {"huge text", std::string(1 << 20, 'x'), 200},
      {"huge JSON message", huge_json_message, 512},
      {"huge JSON code", R"({"error_code":")" + std::string(10000, 'c') + R"("})", 200},
      {"binary", binary, 200},
      {"NULs", std::string(500, '\0') + "tail", 200},
      {"CRLF header injection", "x\r\nSet-Cookie: a=b\r\n\r\n<script>", 200},
      {"multi-byte characters cut at a boundary", many_cjk, 200},
      {"invalid UTF-8", std::string(300, '\xC3'), 200},
      {"deep nesting", std::string(100000, '['), 200},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    UpstreamErrorBody got = ParseUpstreamErrorBody(c.body, 500);
    EXPECT_LE(got.message.size(), c.max_message);
    EXPECT_LE(got.code.size(), 64u);
    EXPECT_TRUE(IsCleanText(got.message)) << got.message;
    EXPECT_TRUE(IsCleanText(got.code)) << got.code;
    // A body with a code may lack a message; one without always yields an excerpt.
    EXPECT_FALSE(got.code.empty());
    EXPECT_TRUE(got.code != "500" || !got.message.empty());
  }
}

TEST(ParseUpstreamErrorBodyTest, ExcerptCutsAtCharacterBoundaryWithEllipsis) {
  std::string many_cjk;
  for (int i = 0; i < 300; ++i) many_cjk += "\xE5\xBA\x94";
  UpstreamErrorBody got = ParseUpstreamErrorBody(many_cjk, 502);
  // 65 characters (195 bytes) + "..." = 198 bytes <= 200.
  std::string want;
  for (int i = 0; i < 65; ++i) want += "\xE5\xBA\x94";
  EXPECT_EQ(got.message, want + "...");

  got = ParseUpstreamErrorBody(std::string(1000, 'a'), 502);
  EXPECT_EQ(got.message, std::string(197, 'a') + "...");

  got = ParseUpstreamErrorBody(std::string(200, 'a'), 502);
  EXPECT_EQ(got.message, std::string(200, 'a'));

  got = ParseUpstreamErrorBody(std::string(3, '\xFF'), 502);
  EXPECT_EQ(got.message, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ParseRetryAfterTest, Table) {
  struct Case {
    std::string value;
    std::optional<absl::Duration> want;
  };
  const Case cases[] = {
      {"0", absl::ZeroDuration()},
      {"1", absl::Seconds(1)},
      {"120", absl::Seconds(120)},
      {" 30 ", absl::Seconds(30)},
      {"007", absl::Seconds(7)},
      {"3600", absl::Hours(1)},
      {"3601", kMaxRetryAfter},
      {"86400", kMaxRetryAfter},
      {"99999999999999999999999", kMaxRetryAfter},
      // IMF-fixdate relative to kNow (Tue, 15 Nov 1994 08:12:31 GMT).
      {"Tue, 15 Nov 1994 08:12:31 GMT", absl::ZeroDuration()},
      {"Tue, 15 Nov 1994 08:13:01 GMT", absl::Seconds(30)},
      {"Tue, 15 Nov 1994 09:12:31 GMT", absl::Hours(1)},
      {"Wed, 16 Nov 1994 08:12:31 GMT", kMaxRetryAfter},
      {"Sun, 06 Nov 1994 08:49:37 GMT", absl::ZeroDuration()},
      {"Thu, 01 Jan 1970 00:00:00 GMT", absl::ZeroDuration()},
      // Obsolete forms.
      {"Tuesday, 15-Nov-94 08:12:41 GMT", absl::Seconds(10)},
      {"Tue Nov 15 08:12:51 1994", absl::Seconds(20)},
      // Garbage.
      {"", std::nullopt},
      {"   ", std::nullopt},
      {"-1", std::nullopt},
      {"+5", std::nullopt},
      {"1.5", std::nullopt},
      {"5s", std::nullopt},
      {"0x10", std::nullopt},
      {"soon", std::nullopt},
      {"1 2", std::nullopt},
      {"Tue, 15 Nov 1994 08:13:01", std::nullopt},
      {"Tue, 15 Nov 1994 08:13:01 PST", std::nullopt},
      {"Tue, 32 Nov 1994 08:13:01 GMT", std::nullopt},
      {"Tue, 15 Foo 1994 08:13:01 GMT", std::nullopt},
      {"2024-01-01T00:00:00Z", std::nullopt},
      {std::string("5\0", 2), std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(ParseRetryAfter(c.value, kNow), c.want) << '"' << c.value << '"';
  }
}

HttpResponse Response(int status, std::vector<HttpHeader> headers, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  response.body = std::move(body);
  return response;
}

std::map<std::string, std::string> Metadata(const absl::Status& status) {
  auto info = GetErrorInfo(status);
  if (!info) return {};
  return {info->metadata().begin(), info->metadata().end()};
}

TEST(UpstreamHttpErrorTest, PermissionDeniedExample) {
  absl::Status status = UpstreamHttpError(
      Response(403, {{"X-Request-Id", "7f3c0a"}},
               R"({"error_code":"HSS.0013","error_msg":"insufficient permissions"})"),
      kNow);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "HSS answered HTTP 403: HSS.0013 insufficient permissions (request id 7f3c0a); grant "
            "the caller HSS read permissions in IAM");
  auto info = GetErrorInfo(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "UPSTREAM_PERMISSION_DENIED");
  EXPECT_EQ(info->domain(), kErrorDomain);
  EXPECT_THAT(Metadata(status),
              UnorderedElementsAre(Pair("httpStatus", "403"), Pair("upstreamErrorCode", "HSS.0013"),
                                   Pair("upstreamRequestId", "7f3c0a")));
  auto request_info = GetRequestInfo(status);
  ASSERT_TRUE(request_info.has_value());
  EXPECT_EQ(request_info->request_id(), "7f3c0a");
  EXPECT_FALSE(GetRetryInfo(status).has_value());
}

TEST(UpstreamHttpErrorTest, Messages) {
  struct Case {
    std::string name;
    HttpResponse response;
    std::string want_message;
  };
  const Case cases[] = {
      {"token expired",
       Response(401, {},
                R"({"error_code":"APIG.0307","error_msg":"The token must be updated.",
                    "request_id":"r1"})"),
       "HSS answered HTTP 401: APIG.0307 The token must be updated. (request id r1); the IAM "
       "token expired or is for another region: get a new token (the caller's own with "
       "--auth=passthrough, else the gateway's)"},
      {"bad credentials",
       Response(401, {}, R"({"error_code":"APIG.0301","error_msg":"decrypt token fail"})"),
       "HSS answered HTTP 401: APIG.0301 decrypt token fail; check the IAM token (the caller's "
       "own with --auth=passthrough) or the gateway's AK/SK credentials"},
      {"API not found", Response(404, {}, R"({"error_code":"APIG.0101","error_msg":"no API"})"),
       "HSS answered HTTP 404: APIG.0101 no API; check the gateway's --endpoint: it does not "
       "serve the HSS API"},
      {"not found without body", Response(404, {}, ""),
       "HSS answered HTTP 404: (empty body); check project_id and host_id"},
      {"throttled with Retry-After",
       Response(429, {{"retry-after", "30"}},
                R"({"error_code":"APIG.0308","error_msg":"too many requests"})"),
       "HSS answered HTTP 429: APIG.0308 too many requests; HSS allows 5 calls per minute per "
       "user and IP address; retry after 30s"},
      {"throttled without Retry-After", Response(429, {}, ""),
       "HSS answered HTTP 429: (empty body); HSS allows 5 calls per minute per user and IP "
       "address; retry in a minute"},
      {"unavailable with Retry-After",
       Response(503, {{"Retry-After", "120"}}, "Service Unavailable"),
       "HSS answered HTTP 503: Service Unavailable; retry after 2m"},
      {"agent offline",
       Response(400, {}, R"({"error_code":"HSS.1007","error_msg":"agent offline"})"),
       "HSS answered HTTP 400: HSS.1007 agent offline; check that the HSS agent is installed and "
       "online on the server"},
      {"invalid parameter, no hint",
       Response(400, {}, R"({"error_code":"HSS.0001","error_msg":"invalid parameter"})"),
       "HSS answered HTTP 400: HSS.0001 invalid parameter"},
      {"code only", Response(500, {}, R"({"error_code":"HSS.0041"})"),
       "HSS answered HTTP 500: HSS.0041"},
      {"HTML gateway error",
       Response(502, {}, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
       "HSS answered HTTP 502: <html><body><h1>502 Bad Gateway</h1></body></html>"},
      {"redirect", Response(302, {{"Location", "https://elsewhere"}}, ""),
       "HSS answered HTTP 302: (empty body)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(UpstreamHttpError(c.response, kNow).message(), c.want_message);
  }
}

TEST(UpstreamHttpErrorTest, RequestIdFromHeaderOrBody) {
  struct Case {
    std::string name;
    std::vector<HttpHeader> headers;
    std::string body;
    std::string want;  // Empty: no RequestInfo and no metadata.
  };
  const std::string body_with_id = R"({"error_code":"A","error_msg":"m","request_id":"body-id"})";
  const Case cases[] = {
      {"header", {{"X-Request-Id", "hdr-id"}}, R"({"error_code":"A"})", "hdr-id"},
      {"lower-case header", {{"x-request-id", "hdr-id"}}, "", "hdr-id"},
      {"upper-case header", {{"X-REQUEST-ID", "hdr-id"}}, "", "hdr-id"},
      {"header wins over body", {{"X-Request-Id", "hdr-id"}}, body_with_id, "hdr-id"},
      {"first of repeated headers", {{"X-Request-Id", "one"}, {"x-request-id", "two"}}, "", "one"},
      {"body when no header", {{"Content-Type", "application/json"}}, body_with_id, "body-id"},
      {"body when header empty", {{"X-Request-Id", ""}}, body_with_id, "body-id"},
      {"header is sanitized", {{"X-Request-Id", " a\r\nb "}}, "", "a b"},
      {"neither", {}, R"({"error_code":"A"})", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    absl::Status status = UpstreamHttpError(Response(400, c.headers, c.body), kNow);
    auto request_info = GetRequestInfo(status);
    auto metadata = Metadata(status);
    if (c.want.empty()) {
      EXPECT_FALSE(request_info.has_value());
      EXPECT_EQ(metadata.count("upstreamRequestId"), 0u);
      EXPECT_THAT(std::string(status.message()), Not(HasSubstr("request id")));
    } else {
      ASSERT_TRUE(request_info.has_value());
      EXPECT_EQ(request_info->request_id(), c.want);
      EXPECT_EQ(metadata["upstreamRequestId"], c.want);
      EXPECT_THAT(std::string(status.message()), HasSubstr("(request id " + c.want + ")"));
    }
  }
}

TEST(UpstreamHttpErrorTest, RetryInfoOnlyForValidRetryAfter) {
  struct Case {
    std::string name;
    int status;
    std::vector<HttpHeader> headers;
    std::optional<absl::Duration> want;
  };
  const Case cases[] = {
      {"seconds", 429, {{"Retry-After", "30"}}, absl::Seconds(30)},
      {"lower-case name", 503, {{"retry-after", "5"}}, absl::Seconds(5)},
      {"HTTP-date", 429, {{"Retry-After", "Tue, 15 Nov 1994 08:13:31 GMT"}}, absl::Minutes(1)},
      {"past date", 503, {{"Retry-After", "Sun, 06 Nov 1994 08:49:37 GMT"}}, absl::ZeroDuration()},
      {"capped", 429, {{"Retry-After", "999999"}}, kMaxRetryAfter},
      {"garbage", 429, {{"Retry-After", "later"}}, std::nullopt},
      {"empty", 429, {{"Retry-After", ""}}, std::nullopt},
      {"absent", 429, {}, std::nullopt},
      {"absent on 503", 503, {}, std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    absl::Status status = UpstreamHttpError(Response(c.status, c.headers, ""), kNow);
    auto retry = GetRetryInfo(status);
    ASSERT_EQ(retry.has_value(), c.want.has_value());
    if (retry) {
      EXPECT_EQ(absl::Seconds(retry->retry_delay().seconds()) +
                    absl::Nanoseconds(retry->retry_delay().nanos()),
                *c.want);
    }
  }
}

TEST(UpstreamHttpErrorTest, Metadata) {
  struct Case {
    std::string name;
    HttpResponse response;
    std::map<std::string, std::string> want;
  };
  const Case cases[] = {
      {"code known",
       Response(400, {}, R"({"error_code":"HSS.0001","error_msg":"m"})"),
       {{"httpStatus", "400"}, {"upstreamErrorCode", "HSS.0001"}}},
      {"no code in body", Response(502, {}, "bad gateway"), {{"httpStatus", "502"}}},
      {"numeric code equal to the HTTP status is not an upstream code",
       Response(401, {}, R"({"error":{"code":401,"message":"Unauthorized"}})"),
       {{"httpStatus", "401"}}},
      {"everything",
       Response(429, {{"X-Request-Id", "rid"}, {"Retry-After", "1"}},
                R"({"error_code":"APIG.0308","error_msg":"throttled"})"),
       {{"httpStatus", "429"}, {"upstreamErrorCode", "APIG.0308"}, {"upstreamRequestId", "rid"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Metadata(UpstreamHttpError(c.response, kNow)), c.want);
  }
}

TEST(UpstreamHttpErrorTest, HostileBodiesYieldBoundedCleanMessages) {
  std::string binary;
  for (int i = 0; i < 65536; ++i) binary.push_back(static_cast<char>(i * 131 % 256));
  const std::string bodies[] = {
      std::string(1 << 20, 'A'),
      binary,
      R"({"error_code":")" + std::string(5000, '\n') + R"(","error_msg":")" +
          std::string(5000, '\x7f') + R"(","request_id":")" + std::string(5000, 'r') + R"("})",
      "\r\nHTTP/1.1 200 OK\r\nSet-Cookie: x\r\n\r\n",
      std::string(200000, '{'),
  };
  for (const auto& body : bodies) {
    absl::Status status = UpstreamHttpError(
        Response(500, {{"X-Request-Id", std::string(10000, '\x01')}}, body), kNow);
    const std::string message(status.message());
    EXPECT_LE(message.size(), 1000u);
    EXPECT_TRUE(IsCleanText(message)) << message;
    EXPECT_THAT(message, AllOf(HasSubstr("HSS answered HTTP 500"), Not(HasSubstr("\r\n"))));
    for (const auto& [key, value] : Metadata(status)) {
      EXPECT_LE(value.size(), 128u) << key;
      EXPECT_TRUE(IsCleanText(value)) << key;
    }
  }
}

// An error body nested past 64 levels is not read as JSON at all (its parse
// state would grow with the body): it becomes an excerpt like any non-JSON body.
TEST(ParseUpstreamErrorBodyTest, NestingPastTheLimitIsNotReadAsJson) {
  auto nested = [](int arrays) {
    return R"({"error_code":"HSS.1","x":)" + std::string(arrays, '[') + std::string(arrays, ']') +
           "}";
  };
  UpstreamErrorBody got = ParseUpstreamErrorBody(nested(63), 400);  // 64 levels.
  EXPECT_EQ(got.code, "HSS.1");
  got = ParseUpstreamErrorBody(nested(64), 400);  // 65 levels.
  EXPECT_EQ(got.code, "400");
  EXPECT_EQ(got.message.substr(0, 28), R"({"error_code":"HSS.1","x":[[)");
  EXPECT_LE(got.message.size(), 200u);
}

// Balanced and unbalanced nested arrays, a million deep, neither crash nor
// fail the call: they yield an excerpt.
TEST(ParseUpstreamErrorBodyTest, MillionDeepArraysYieldAnExcerpt) {
  const int depth = 1000000;
  for (const std::string& body :
       {std::string(depth, '[') + std::string(depth, ']'), std::string(depth, '['),
        R"({"error":)" + std::string(depth, '{')}) {
    UpstreamErrorBody got = ParseUpstreamErrorBody(body, 502);
    EXPECT_EQ(got.code, "502");
    EXPECT_EQ(got.message.size(), 200u);
    EXPECT_TRUE(absl::EndsWith(got.message, "...")) << got.message;
  }
}

// Which member counts when keys repeat or sit deeper: the first of each name at
// its own level, as before the parser became a stream.
TEST(ParseUpstreamErrorBodyTest, FirstMemberOfEachNameCounts) {
  struct Case {
    std::string body;
    UpstreamErrorBody want;
  };
  const Case cases[] = {
      {R"({"error_code":"","error_code":"B","errorCode":"C"})", {"C", "", ""}},
      {R"({"error_code":null,"error_code":"B","error_msg":"m"})", {"400", "m", ""}},
      {R"({"error":{"code":"A"},"error":{"code":"B","message":"m"}})", {"A", "", ""}},
      {R"({"error":"flat","error":{"code":"B"},"message":"m"})", {"400", "m", ""}},
      {R"({"error":{"inner":{"code":"X","message":"Y"},"title":"T"}})", {"400", "T", ""}},
      {R"({"data":{"error_code":"X"},"x":[{"error_msg":"Y"}],"code":7})", {"7", "", ""}},
      {R"({"error":{"code":18446744073709551615,"message":2.5e300,"request_id":-9}})",
       {"18446744073709551615", "2.5e+300", "-9"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    UpstreamErrorBody got = ParseUpstreamErrorBody(c.body, 400);
    EXPECT_EQ(got.code, c.want.code);
    EXPECT_EQ(got.message, c.want.message);
    EXPECT_EQ(got.request_id, c.want.request_id);
  }
}

}  // namespace
}  // namespace hss::gateway
