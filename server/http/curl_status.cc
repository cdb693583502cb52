#include "server/http/curl_status.h"

#include "absl/strings/str_cat.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

struct Mapping {
  absl::StatusCode code;
  absl::string_view reason;
  absl::string_view what;
};

Mapping MappingFor(const CurlFailure& f) {
  using C = absl::StatusCode;
  if (f.body_too_large) {
    return {C::kResourceExhausted, "UPSTREAM_RESPONSE_TOO_LARGE", "the response body exceeded"};
  }
  switch (f.code) {
    case CURLE_OPERATION_TIMEDOUT:
      return f.timeout_is_caller_deadline
                 ? Mapping{C::kDeadlineExceeded, "DEADLINE_EXCEEDED",
                           "stopped at the caller's deadline while waiting for"}
                 : Mapping{C::kUnavailable, "UPSTREAM_TIMEOUT", "timed out waiting for"};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {C::kUnavailable, "UPSTREAM_DNS_FAILURE", "could not resolve"};
    case CURLE_COULDNT_CONNECT:
      return {C::kUnavailable, "UPSTREAM_UNREACHABLE", "could not connect to"};
    case CURLE_GOT_NOTHING:
      return {C::kUnavailable, "UPSTREAM_EMPTY_REPLY", "got an empty reply from"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      return {C::kUnavailable, "UPSTREAM_CONNECTION_RESET", "lost the connection to"};
    case CURLE_PARTIAL_FILE:
      return {C::kUnavailable, "UPSTREAM_TRUNCATED_RESPONSE", "got a truncated response from"};
    case CURLE_SSL_CONNECT_ERROR:
      return {C::kUnavailable, "UPSTREAM_TLS_HANDSHAKE_FAILED", "failed the TLS handshake with"};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return {C::kInternal, "UPSTREAM_TLS_VERIFICATION_FAILED",
              "could not verify the TLS certificate of"};
    case CURLE_ABORTED_BY_CALLBACK:
      return {C::kCancelled, "CANCELLED", "cancelled the request to"};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {C::kInternal, "UPSTREAM_BAD_ENDPOINT", "has a malformed endpoint URL for"};
    case CURLE_BAD_CONTENT_ENCODING:
      return {C::kInternal, "UPSTREAM_MALFORMED_RESPONSE", "could not decode the response of"};
    case CURLE_OUT_OF_MEMORY:
      return {C::kResourceExhausted, "GATEWAY_OUT_OF_MEMORY", "ran out of memory talking to"};
    default:
      return {C::kUnavailable, "UPSTREAM_TRANSPORT_ERROR", "failed to talk to"};
  }
}

}  // namespace

absl::Status CurlFailureToStatus(const CurlFailure& f) {
  Mapping m = MappingFor(f);
  std::string message;
  if (f.body_too_large) {
    message = absl::StrCat("the gateway stopped reading the response of HSS at ", f.origin,
                           ": the body exceeded --max_response_bytes=", f.max_response_bytes,
                           "; narrow the query (smaller limit) or raise the cap");
  } else {
    message = absl::StrCat("the gateway ", m.what, " HSS at ", f.origin, " (",
                           curl_easy_strerror(f.code));
    if (!f.detail.empty()) absl::StrAppend(&message, ": ", f.detail);
    absl::StrAppend(&message, ")");
    if (m.code == absl::StatusCode::kInternal && m.reason == "UPSTREAM_TLS_VERIFICATION_FAILED") {
      absl::StrAppend(&message, "; check --ca_file and the endpoint's certificate");
    }
  }
  return MakeError(m.code, message, m.reason,
                   {{"curlCode", absl::StrCat(static_cast<int>(f.code))}});
}

}  // namespace hss::gateway
