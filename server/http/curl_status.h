#ifndef HSS_SERVER_HTTP_CURL_STATUS_H_
#define HSS_SERVER_HTTP_CURL_STATUS_H_

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hss::gateway {

// What the transport knew about a failed transfer besides its CURLcode.
struct CurlFailure {
  // libcurl's result code.
  CURLcode code = CURLE_OK;
  // libcurl's error buffer (may be empty).
  absl::string_view detail;
  // scheme://host[:port] of the upstream, for the message (never the query).
  absl::string_view origin;
  // True when the transfer's timeout was set by the caller's deadline.
  bool timeout_is_caller_deadline = false;
  // True when the write callback stopped the transfer at the body cap.
  bool body_too_large = false;
  // The body cap, for the message.
  long long max_response_bytes = 0;
};

// Maps a failed libcurl transfer to a status with an ErrorInfo reason:
// unreachable / reset / empty reply / partial body / TLS handshake failure →
// UNAVAILABLE; timeout → DEADLINE_EXCEEDED when the caller's deadline was the
// limit, else UNAVAILABLE; certificate verification or CA set-up → INTERNAL;
// body over the cap → RESOURCE_EXHAUSTED; aborted → CANCELLED.
absl::Status CurlFailureToStatus(const CurlFailure& failure);

}  // namespace hss::gateway

#endif  // HSS_SERVER_HTTP_CURL_STATUS_H_
