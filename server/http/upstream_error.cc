#include "server/http/upstream_error.h"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "rapidjson/encodedstream.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

constexpr std::size_t kMaxCodeBytes = 64;
constexpr std::size_t kMaxMessageBytes = 512;
constexpr std::size_t kMaxExcerptBytes = 200;
constexpr std::size_t kMaxRequestIdBytes = 128;
constexpr absl::string_view kEllipsis = "...";
constexpr absl::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// One row of the HTTP status table (see upstream_error.h). The first row
// whose range holds the status and whose error code (if any) matches wins.
struct HttpStatusRule {
  int first_status;
  int last_status;
  // Matches any upstream error code when empty.
  absl::string_view upstream_error_code;
  absl::StatusCode code;
  absl::string_view reason;
};

constexpr HttpStatusRule kHttpStatusRules[] = {
    {400, 400, "", absl::StatusCode::kInvalidArgument, kReasonUpstreamInvalidArgument},
    {401, 401, "APIG.0307", absl::StatusCode::kUnauthenticated, kReasonUpstreamTokenExpired},
    {401, 401, "", absl::StatusCode::kUnauthenticated, kReasonUpstreamUnauthenticated},
    {403, 403, "", absl::StatusCode::kPermissionDenied, kReasonUpstreamPermissionDenied},
    {404, 404, "APIG.0101", absl::StatusCode::kInternal, kReasonUpstreamApiNotFound},
    {404, 404, "", absl::StatusCode::kNotFound, kReasonUpstreamNotFound},
    {408, 408, "", absl::StatusCode::kUnavailable, kReasonUpstreamTimeout},
    {409, 409, "", absl::StatusCode::kAborted, kReasonUpstreamConflict},
    {412, 412, "", absl::StatusCode::kFailedPrecondition, kReasonUpstreamFailedPrecondition},
    {413, 414, "", absl::StatusCode::kInvalidArgument, kReasonUpstreamRequestTooLarge},
    {431, 431, "", absl::StatusCode::kInvalidArgument, kReasonUpstreamRequestTooLarge},
    {494, 494, "", absl::StatusCode::kInvalidArgument, kReasonUpstreamRequestTooLarge},
    {429, 429, "", absl::StatusCode::kResourceExhausted, kReasonUpstreamThrottled},
    {400, 499, "", absl::StatusCode::kInvalidArgument, kReasonUpstreamInvalidArgument},
    {500, 500, "", absl::StatusCode::kInternal, kReasonUpstreamInternalError},
    {501, 501, "", absl::StatusCode::kUnimplemented, kReasonUpstreamNotImplemented},
    {502, 503, "", absl::StatusCode::kUnavailable, kReasonUpstreamUnavailable},
    {504, 504, "", absl::StatusCode::kUnavailable, kReasonUpstreamTimeout},
    {500, 599, "", absl::StatusCode::kInternal, kReasonUpstreamInternalError},
    {INT_MIN, INT_MAX, "", absl::StatusCode::kInternal, kReasonUpstreamUnexpectedStatus},
};

const HttpStatusRule& FindRule(int http_status, absl::string_view upstream_error_code) {
  for (const HttpStatusRule& rule : kHttpStatusRules) {
    if (http_status < rule.first_status || http_status > rule.last_status) continue;
    if (rule.upstream_error_code.empty() ||
        absl::EqualsIgnoreCase(rule.upstream_error_code, upstream_error_code)) {
      return rule;
    }
  }
  return kHttpStatusRules[std::size(kHttpStatusRules) - 1];
}

// Characters that must not reach a message verbatim: C0 and C1 controls, DEL,
// line/paragraph separators and bidirectional formatting characters.
bool IsUnsafe(std::uint32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x200E && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

// Returns `text` fit for a one-line message: unsafe characters become spaces,
// runs of spaces collapse, invalid UTF-8 becomes U+FFFD, leading and trailing
// spaces go, and the result is at most `max_bytes` long (cut at a character
// boundary and ended with "..." when shortened).
std::string Sanitize(absl::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  std::size_t fits_with_ellipsis = 0;  // Longest prefix that leaves room for "...".
  bool cut = false;
  for (std::size_t i = 0; i < text.size();) {
    const hss::Utf8Char ch = hss::DecodeUtf8(text, i);
    const std::size_t length = ch.length;
    const std::uint32_t cp = ch.code_point;
    absl::string_view piece;
    if (length == 0) {
      piece = kReplacementChar;
      i += 1;
    } else {
      piece = (IsUnsafe(cp) || cp == ' ') ? " " : text.substr(i, length);
      i += length;
    }
    if (piece == " " && (out.empty() || out.back() == ' ')) continue;
    if (out.size() + piece.size() > max_bytes) {
      cut = true;
      break;
    }
    out.append(piece.data(), piece.size());
    if (out.size() + kEllipsis.size() <= max_bytes) fits_with_ellipsis = out.size();
  }
  if (cut) {
    out.resize(fits_with_ellipsis);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out.append(kEllipsis.data(), kEllipsis.size());
  } else {
    while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  return out;
}

// The deepest nesting of arrays and objects read in an error body (the
// top-level object is level 1). Deeper bodies are not read as JSON.
constexpr int kMaxErrorBodyDepth = 64;

// The members of an error body that hold its code, message or request id.
enum Field {
  kTopErrorCode,     // error_code
  kTopErrorCodeAlt,  // errorCode
  kTopCode,          // code
  kTopErrorMsg,      // error_msg
  kTopErrorMsgAlt,   // errorMsg
  kTopMessage,       // message
  kTopRequestId,     // request_id
  kTopRequestIdAlt,  // requestId
  kErrorCode,        // error.code
  kErrorMessage,     // error.message
  kErrorTitle,       // error.title
  kErrorRequestId,   // error.request_id
  kFieldCount,
  kNoField = kFieldCount,
};

// The length cap of a field's text.
std::size_t MaxBytes(Field field) {
  switch (field) {
    case kTopErrorCode:
    case kTopErrorCodeAlt:
    case kTopCode:
    case kErrorCode:
      return kMaxCodeBytes;
    case kTopRequestId:
    case kTopRequestIdAlt:
    case kErrorRequestId:
      return kMaxRequestIdBytes;
    default:
      return kMaxMessageBytes;
  }
}

Field TopLevelField(absl::string_view key) {
  if (key == "error_code") return kTopErrorCode;
  if (key == "errorCode") return kTopErrorCodeAlt;
  if (key == "code") return kTopCode;
  if (key == "error_msg") return kTopErrorMsg;
  if (key == "errorMsg") return kTopErrorMsgAlt;
  if (key == "message") return kTopMessage;
  if (key == "request_id") return kTopRequestId;
  if (key == "requestId") return kTopRequestIdAlt;
  return kNoField;
}

Field ErrorObjectField(absl::string_view key) {
  if (key == "code") return kErrorCode;
  if (key == "message") return kErrorMessage;
  if (key == "title") return kErrorTitle;
  if (key == "request_id") return kErrorRequestId;
  return kNoField;
}

// RapidJSON SAX handler that keeps the sanitized text of the first member of
// each Field's name (a string or a number; "" for any other value) and reads
// nothing else, so its memory does not grow with the body's shape. It stops
// the parse at nesting deeper than kMaxErrorBodyDepth.
class ErrorBodyHandler {
 public:
  // The text of `field`'s first member; "" when absent or not text.
  const std::string& text(Field field) const { return texts_[field]; }
  // True if the top-level value was an object.
  bool root_is_object() const { return root_is_object_; }

  bool Null() { return Value(""); }
  bool Bool(bool) { return Value(""); }
  bool Int(int i) { return Value(absl::StrCat(i)); }
  bool Uint(unsigned u) { return Value(absl::StrCat(u)); }
  bool Int64(std::int64_t i) { return Value(absl::StrCat(i)); }
  bool Uint64(std::uint64_t u) { return Value(absl::StrCat(u)); }
  bool Double(double d) { return Value(absl::StrCat(d)); }
  bool RawNumber(const char* str, rapidjson::SizeType length, bool) {
    return Value(std::string(str, length));
  }
  bool String(const char* str, rapidjson::SizeType length, bool) {
    if (!Wanted()) return Value("");
    return Value(Sanitize({str, length}, MaxBytes(field_)));
  }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    const absl::string_view key(str, length);
    field_ = kNoField;
    in_error_value_ = false;
    if (depth_ == 1) {
      field_ = TopLevelField(key);
      in_error_value_ = key == "error" && !error_seen_;
      if (key == "error") error_seen_ = true;
    } else if (depth_ == 2 && in_error_object_) {
      field_ = ErrorObjectField(key);
    }
    return true;
  }

  bool StartObject() {
    if (++depth_ > kMaxErrorBodyDepth) return false;  // Stops the parse.
    if (depth_ == 1) root_is_object_ = true;
    if (depth_ == 2 && in_error_value_) in_error_object_ = true;
    Value("");  // An object is no text for the member it is the value of.
    return true;
  }
  bool StartArray() {
    if (++depth_ > kMaxErrorBodyDepth) return false;  // Stops the parse.
    Value("");
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    if (depth_ == 2) in_error_object_ = false;
    --depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    return true;
  }

 private:
  // True if the value about to come is the first of a Field's name.
  bool Wanted() const { return field_ != kNoField && !seen_[field_]; }

  // Records a value (its text) for the pending key, if it is wanted.
  bool Value(std::string text) {
    if (Wanted()) {
      seen_[field_] = true;
      texts_[field_] = std::move(text);
    }
    field_ = kNoField;
    return true;
  }

  int depth_ = 0;
  bool root_is_object_ = false;
  // The pending key's Field, until its value comes.
  Field field_ = kNoField;
  // The first "error" member's value comes next / is the open object.
  bool in_error_value_ = false;
  bool in_error_object_ = false;
  bool error_seen_ = false;
  bool seen_[kFieldCount] = {};
  std::string texts_[kFieldCount];
};

// Returns the first non-empty text among `fields`.
std::string FirstText(const ErrorBodyHandler& handler, std::initializer_list<Field> fields) {
  for (Field field : fields) {
    if (!handler.text(field).empty()) return handler.text(field);
  }
  return "";
}

// Returns the hint appended to the message, or "" for none.
std::string Hint(absl::string_view reason, absl::string_view upstream_code,
                 const std::optional<absl::Duration>& retry_delay) {
  const std::string retry =
      retry_delay ? absl::StrCat("retry after ", absl::FormatDuration(*retry_delay)) : "";
  if (reason == kReasonUpstreamTokenExpired) {
    return "the IAM token expired or is for another region: get a new token (the caller's own "
           "with --auth=passthrough, else the gateway's)";
  }
  if (reason == kReasonUpstreamUnauthenticated) {
    return "check the IAM token (the caller's own with --auth=passthrough) or the gateway's "
           "AK/SK credentials";
  }
  if (reason == kReasonUpstreamPermissionDenied ||
      absl::EqualsIgnoreCase(upstream_code, "HSS.0010") ||
      absl::EqualsIgnoreCase(upstream_code, "HSS.0013")) {
    return "grant the caller HSS read permissions in IAM";
  }
  if (reason == kReasonUpstreamApiNotFound) {
    return "check the gateway's --endpoint: it does not serve the HSS API";
  }
  if (reason == kReasonUpstreamNotFound) return "check project_id and host_id";
  if (absl::EqualsIgnoreCase(upstream_code, "HSS.1001") ||
      absl::EqualsIgnoreCase(upstream_code, "HSS.1007")) {
    return "check that the HSS agent is installed and online on the server";
  }
  if (reason == kReasonUpstreamThrottled) {
    return absl::StrCat("HSS allows 5 calls per minute per user and IP address; ",
                        retry.empty() ? "retry in a minute" : retry);
  }
  return retry;
}

}  // namespace

UpstreamErrorBody ParseUpstreamErrorBody(absl::string_view body, int http_status) {
  UpstreamErrorBody out;
  // A stream of SAX events, parsed iteratively: no DOM, no recursion, and a
  // parse state bounded by kMaxErrorBodyDepth.
  ErrorBodyHandler handler;
  rapidjson::MemoryStream memory(body.data(), body.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(memory);
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseIterativeFlag>(stream, handler);
  if (!reader.HasParseError() && handler.root_is_object()) {
    out.code = FirstText(handler, {kTopErrorCode, kTopErrorCodeAlt, kErrorCode, kTopCode});
    out.message = FirstText(
        handler, {kTopErrorMsg, kTopErrorMsgAlt, kErrorMessage, kErrorTitle, kTopMessage});
    out.request_id = FirstText(handler, {kTopRequestId, kTopRequestIdAlt, kErrorRequestId});
  }
  if (out.code.empty() && out.message.empty()) {
    out.message = Sanitize(body, kMaxExcerptBytes);
    if (out.message.empty()) out.message = "(empty body)";
  }
  if (out.code.empty()) out.code = absl::StrCat(http_status);
  return out;
}

absl::StatusCode StatusCodeForHttpStatus(int http_status, absl::string_view upstream_error_code) {
  return FindRule(http_status, upstream_error_code).code;
}

absl::string_view ReasonForHttpStatus(int http_status, absl::string_view upstream_error_code) {
  return FindRule(http_status, upstream_error_code).reason;
}

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), absl::ascii_isdigit)) {
    std::int64_t seconds;
    // Too many digits to parse is still a valid (huge) delay: cap it.
    if (!absl::SimpleAtoi(value, &seconds)) return kMaxRetryAfter;
    return std::min(absl::Seconds(seconds), kMaxRetryAfter);
  }
  // IMF-fixdate, then the obsolete RFC 850 and asctime forms (RFC 9110 5.6.7).
  static constexpr const char* kHttpDateFormats[] = {
      "%a, %d %b %Y %H:%M:%S GMT",
      "%A, %d-%b-%y %H:%M:%S GMT",
      "%a %b %e %H:%M:%S %Y",
  };
  for (const char* format : kHttpDateFormats) {
    absl::Time when;
    std::string error;
    if (absl::ParseTime(format, value, absl::UTCTimeZone(), &when, &error)) {
      return std::clamp(when - now, absl::ZeroDuration(), kMaxRetryAfter);
    }
  }
  return std::nullopt;
}

absl::Status UpstreamHttpError(const HttpResponse& response, absl::Time now) {
  const int http_status = response.status;
  const UpstreamErrorBody body = ParseUpstreamErrorBody(response.body, http_status);
  // ParseUpstreamErrorBody stands in the HTTP status for a missing code.
  const bool code_known = body.code != absl::StrCat(http_status);
  const absl::string_view upstream_code =
      code_known ? absl::string_view(body.code) : absl::string_view();

  std::string request_id = Sanitize(response.Header("X-Request-Id"), kMaxRequestIdBytes);
  if (request_id.empty()) request_id = body.request_id;

  std::optional<absl::Duration> retry_delay;
  if (absl::string_view retry_after = response.Header("Retry-After"); !retry_after.empty()) {
    retry_delay = ParseRetryAfter(retry_after, now);
  }

  const HttpStatusRule& rule = FindRule(http_status, upstream_code);

  std::string message = absl::StrCat("HSS answered HTTP ", http_status);
  if (code_known || !body.message.empty()) {
    absl::StrAppend(&message, ":", code_known ? " " : "", upstream_code,
                    body.message.empty() ? "" : " ", body.message);
  }
  if (!request_id.empty()) absl::StrAppend(&message, " (request id ", request_id, ")");
  if (std::string hint = Hint(rule.reason, upstream_code, retry_delay); !hint.empty()) {
    absl::StrAppend(&message, "; ", hint);
  }

  std::map<std::string, std::string> metadata = {
      {std::string(kMetaHttpStatus), absl::StrCat(http_status)}};
  if (code_known) metadata[std::string(kMetaUpstreamErrorCode)] = body.code;
  if (!request_id.empty()) metadata[std::string(kMetaUpstreamRequestId)] = request_id;

  absl::Status status = MakeError(rule.code, message, rule.reason, metadata);
  if (!request_id.empty()) SetRequestId(status, request_id);
  if (retry_delay) SetRetryDelay(status, *retry_delay);
  return status;
}

}  // namespace hss::gateway
