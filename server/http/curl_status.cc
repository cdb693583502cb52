#include "server/http/curl_status.h"

#include "absl/strings/str_cat.h"
#include "server/runtime/error_reasons.h"
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
    return {C::kResourceExhausted, kReasonUpstreamResponseTooLarge, "the response body exceeded"};
  }
  switch (f.code) {
    case CURLE_OPERATION_TIMEDOUT:
      return f.timeout_is_caller_deadline
                 ? Mapping{C::kDeadlineExceeded, kReasonDeadlineExceeded,
                           "stopped at the caller's deadline while waiting for"}
                 : Mapping{C::kUnavailable, kReasonUpstreamTimeout, "timed out waiting for"};
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return {C::kUnavailable, kReasonUpstreamDnsFailure, "could not resolve"};
    case CURLE_COULDNT_CONNECT:
      return {C::kUnavailable, kReasonUpstreamUnreachable, "could not connect to"};
    case CURLE_GOT_NOTHING:
      return {C::kUnavailable, kReasonUpstreamEmptyReply, "got an empty reply from"};
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      return {C::kUnavailable, kReasonUpstreamConnectionReset, "lost the connection to"};
    case CURLE_PARTIAL_FILE:
      return {C::kUnavailable, kReasonUpstreamTruncatedResponse, "got a truncated response from"};
    case CURLE_SSL_CONNECT_ERROR:
      return {C::kUnavailable, kReasonUpstreamTlsHandshakeFailed, "failed the TLS handshake with"};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return {C::kInternal, kReasonUpstreamTlsVerificationFailed,
              "could not verify the TLS certificate of"};
    case CURLE_ABORTED_BY_CALLBACK:
      return {C::kCancelled, kReasonCancelled, "cancelled the request to"};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {C::kInternal, kReasonUpstreamBadEndpoint, "has a malformed endpoint URL for"};
    case CURLE_BAD_CONTENT_ENCODING:
      return {C::kInternal, kReasonUpstreamMalformedResponse, "could not decode the response of"};
    case CURLE_OUT_OF_MEMORY:
      return {C::kResourceExhausted, kReasonGatewayOutOfMemory, "ran out of memory talking to"};
    default:
      return {C::kUnavailable, kReasonUpstreamTransportError, "failed to talk to"};
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
    if (m.code == absl::StatusCode::kInternal && m.reason == kReasonUpstreamTlsVerificationFailed) {
      absl::StrAppend(&message, "; check --ca_file and the endpoint's certificate");
    }
  }
  return MakeError(m.code, message, m.reason,
                   {{"curlCode", absl::StrCat(static_cast<int>(f.code))}});
}

}  // namespace hss::gateway
