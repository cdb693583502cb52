#ifndef HSS_SERVER_HTTP_UPSTREAM_ERROR_H_
#define HSS_SERVER_HTTP_UPSTREAM_ERROR_H_

// Turns a non-2xx HSS answer into an absl::Status a caller can act on.
//
// The HTTP status (refined by the upstream error code in a few cases) selects
// both the status code and the ErrorInfo reason from one table in
// upstream_error.cc:
//
//   HTTP      upstream code       status code          reason
//   400                           INVALID_ARGUMENT     UPSTREAM_INVALID_ARGUMENT
//   401       APIG.0307           UNAUTHENTICATED      UPSTREAM_TOKEN_EXPIRED
//   401       other               UNAUTHENTICATED      UPSTREAM_UNAUTHENTICATED
//   403                           PERMISSION_DENIED    UPSTREAM_PERMISSION_DENIED
//   404       APIG.0101           INTERNAL             UPSTREAM_API_NOT_FOUND
//   404       other               NOT_FOUND            UPSTREAM_NOT_FOUND
//   408                           UNAVAILABLE          UPSTREAM_TIMEOUT
//   409                           ABORTED              UPSTREAM_CONFLICT
//   412                           FAILED_PRECONDITION  UPSTREAM_FAILED_PRECONDITION
//   413, 414, 431, 494            INVALID_ARGUMENT     UPSTREAM_REQUEST_TOO_LARGE
//   429                           RESOURCE_EXHAUSTED   UPSTREAM_THROTTLED
//   other 4xx                     INVALID_ARGUMENT     UPSTREAM_INVALID_ARGUMENT
//   500                           INTERNAL             UPSTREAM_INTERNAL_ERROR
//   501                           UNIMPLEMENTED        UPSTREAM_NOT_IMPLEMENTED
//   502, 503                      UNAVAILABLE          UPSTREAM_UNAVAILABLE
//   504                           UNAVAILABLE          UPSTREAM_TIMEOUT
//   other 5xx                     INTERNAL             UPSTREAM_INTERNAL_ERROR
//   anything else (1xx, 2xx, 3xx, out of range)
//                                 INTERNAL             UPSTREAM_UNEXPECTED_STATUS
//
// Upstream error codes are compared case-insensitively.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/http/http_transport.h"

namespace hss::gateway {

// The longest delay ParseRetryAfter() returns; longer hints are capped so a
// confused upstream cannot park callers for hours.
inline constexpr absl::Duration kMaxRetryAfter = absl::Hours(1);

// The useful fields of an upstream error body, sanitized for messages and logs:
// valid UTF-8, control characters replaced by spaces, lengths capped.
struct UpstreamErrorBody {
  // The upstream error code, e.g. "HSS.0013" or "APIG.0307" (at most 64 bytes).
  // When the body has none: the HTTP status as a string, e.g. "502".
  std::string code;
  // The upstream error message (at most 512 bytes). When nothing in the body
  // parses: an excerpt of the body (at most 200 bytes) or "(empty body)".
  std::string message;
  // The request id the body carries (API gateway errors), or empty (at most
  // 128 bytes).
  std::string request_id;
};

// Extracts code, message and request id from an error `body` of any shape seen
// across Huawei Cloud services:
//   {"error_code": ..., "error_msg": ..., "request_id": ...}   (HSS, APIG)
//   {"error": {"code": ..., "message": ..., "title": ...}}
//   {"errorCode": ..., "errorMsg": ...}
//   {"code": ..., "message": ...}
// tried in that order per field. Codes may be JSON strings or numbers; an
// empty string counts as absent. Never fails: see UpstreamErrorBody for what a
// body without a recognizable error yields.
UpstreamErrorBody ParseUpstreamErrorBody(absl::string_view body, int http_status);

// Returns the gRPC status code for an HSS answer with `http_status` and
// `upstream_error_code` (may be empty), from the table above.
absl::StatusCode StatusCodeForHttpStatus(int http_status, absl::string_view upstream_error_code);

// Returns the ErrorInfo reason (UPPER_SNAKE_CASE) for the same inputs, from the
// same table row as StatusCodeForHttpStatus().
absl::string_view ReasonForHttpStatus(int http_status, absl::string_view upstream_error_code);

// Parses a Retry-After header value: delay-seconds ("120") or an HTTP-date in
// IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT"; the obsolete RFC 850 and
// asctime forms are accepted too), relative to `now`. A date in the past
// yields zero; any result is capped at kMaxRetryAfter. Returns nullopt for an
// empty, negative, fractional or otherwise malformed value.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

// Returns the status for a non-2xx `response` received at `now`:
//  - code and ErrorInfo reason from the table above;
//  - a message naming the HTTP status, the upstream error code and message
//    and the request id, plus a hint for common cases, e.g.
//      HSS answered HTTP 403: HSS.0013 insufficient permissions (request id
//      7f3c...); grant the caller HSS read permissions in IAM
//  - ErrorInfo metadata kMetaHttpStatus, and kMetaUpstreamErrorCode and
//    kMetaUpstreamRequestId when known;
//  - RequestInfo with the X-Request-Id response header (any case), else the
//    body's request id, when either is present;
//  - RetryInfo only when a valid Retry-After header is present.
absl::Status UpstreamHttpError(const HttpResponse& response, absl::Time now);

}  // namespace hss::gateway

#endif  // HSS_SERVER_HTTP_UPSTREAM_ERROR_H_
