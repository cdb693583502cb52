#ifndef HSS_SERVER_RUNTIME_ERROR_REASONS_H_
#define HSS_SERVER_RUNTIME_ERROR_REASONS_H_

// The ErrorInfo reasons the gateway sends (the README's error tables). Code
// that decides by a reason (retries, the circuit breaker, coalescing, hints)
// compares with these constants, so a typo is a compile error, not a silent
// change of behaviour.

#include "absl/strings/string_view.h"

namespace hss::gateway {

// HSS answered 400 (or another 4xx not listed).
inline constexpr absl::string_view kReasonUpstreamInvalidArgument = "UPSTREAM_INVALID_ARGUMENT";
// HSS answered 401.
inline constexpr absl::string_view kReasonUpstreamUnauthenticated = "UPSTREAM_UNAUTHENTICATED";
// HSS answered 401 APIG.0307: the IAM token expired.
inline constexpr absl::string_view kReasonUpstreamTokenExpired = "UPSTREAM_TOKEN_EXPIRED";
// HSS answered 403.
inline constexpr absl::string_view kReasonUpstreamPermissionDenied = "UPSTREAM_PERMISSION_DENIED";
// HSS answered 404.
inline constexpr absl::string_view kReasonUpstreamNotFound = "UPSTREAM_NOT_FOUND";
// HSS answered 404 APIG.0101: the API does not exist (wrong endpoint).
inline constexpr absl::string_view kReasonUpstreamApiNotFound = "UPSTREAM_API_NOT_FOUND";
// HSS answered 409.
inline constexpr absl::string_view kReasonUpstreamConflict = "UPSTREAM_CONFLICT";
// HSS answered 412.
inline constexpr absl::string_view kReasonUpstreamFailedPrecondition =
    "UPSTREAM_FAILED_PRECONDITION";
// HSS answered 413, 414, 431 or 494.
inline constexpr absl::string_view kReasonUpstreamRequestTooLarge = "UPSTREAM_REQUEST_TOO_LARGE";
// HSS answered 429 (APIG.0308).
inline constexpr absl::string_view kReasonUpstreamThrottled = "UPSTREAM_THROTTLED";
// HSS answered 500 (or another 5xx not listed).
inline constexpr absl::string_view kReasonUpstreamInternalError = "UPSTREAM_INTERNAL_ERROR";
// HSS answered 501.
inline constexpr absl::string_view kReasonUpstreamNotImplemented = "UPSTREAM_NOT_IMPLEMENTED";
// HSS answered 502 or 503.
inline constexpr absl::string_view kReasonUpstreamUnavailable = "UPSTREAM_UNAVAILABLE";
// HSS answered 408 or 504, or --upstream_timeout passed.
inline constexpr absl::string_view kReasonUpstreamTimeout = "UPSTREAM_TIMEOUT";
// HSS answered 1xx or 3xx.
inline constexpr absl::string_view kReasonUpstreamUnexpectedStatus = "UPSTREAM_UNEXPECTED_STATUS";
// A 200 whose body is not the documented JSON.
inline constexpr absl::string_view kReasonUpstreamMalformedResponse = "UPSTREAM_MALFORMED_RESPONSE";
// The body exceeded --max_response_bytes.
inline constexpr absl::string_view kReasonUpstreamResponseTooLarge = "UPSTREAM_RESPONSE_TOO_LARGE";
// HSS returned the same full page twice during a walk.
inline constexpr absl::string_view kReasonUpstreamPagingStuck = "UPSTREAM_PAGING_STUCK";
// The connection to HSS was refused.
inline constexpr absl::string_view kReasonUpstreamUnreachable = "UPSTREAM_UNREACHABLE";
// The HSS (or proxy) host name did not resolve.
inline constexpr absl::string_view kReasonUpstreamDnsFailure = "UPSTREAM_DNS_FAILURE";
// The connection to HSS was lost mid-request.
inline constexpr absl::string_view kReasonUpstreamConnectionReset = "UPSTREAM_CONNECTION_RESET";
// HSS closed the connection without an answer.
inline constexpr absl::string_view kReasonUpstreamEmptyReply = "UPSTREAM_EMPTY_REPLY";
// The body ended before its announced length.
inline constexpr absl::string_view kReasonUpstreamTruncatedResponse = "UPSTREAM_TRUNCATED_RESPONSE";
// The TLS handshake with HSS failed.
inline constexpr absl::string_view kReasonUpstreamTlsHandshakeFailed =
    "UPSTREAM_TLS_HANDSHAKE_FAILED";
// HSS's certificate could not be verified (or the CA set-up is broken).
inline constexpr absl::string_view kReasonUpstreamTlsVerificationFailed =
    "UPSTREAM_TLS_VERIFICATION_FAILED";
// The endpoint URL is malformed or of an unsupported scheme.
inline constexpr absl::string_view kReasonUpstreamBadEndpoint = "UPSTREAM_BAD_ENDPOINT";
// Any other transport failure.
inline constexpr absl::string_view kReasonUpstreamTransportError = "UPSTREAM_TRANSPORT_ERROR";
// The circuit breaker is open: the call failed fast.
inline constexpr absl::string_view kReasonUpstreamCircuitOpen = "UPSTREAM_CIRCUIT_OPEN";
// IAM rejected the gateway's own user/password or AK/SK.
inline constexpr absl::string_view kReasonUpstreamCredentialsRejected =
    "UPSTREAM_CREDENTIALS_REJECTED";
// The gateway's rate limiter had no token within the deadline.
inline constexpr absl::string_view kReasonGatewayRateLimited = "GATEWAY_RATE_LIMITED";
// The gateway is shutting down.
inline constexpr absl::string_view kReasonGatewayShuttingDown = "GATEWAY_SHUTTING_DOWN";
// The gateway is draining (SIGTERM): a stream ended at the drain deadline after
// its last complete page; resumeOffset continues it on another replica.
inline constexpr absl::string_view kReasonGatewayDraining = "GATEWAY_DRAINING";
// The transport ran out of memory.
inline constexpr absl::string_view kReasonGatewayOutOfMemory = "GATEWAY_OUT_OF_MEMORY";
// IAM was unreachable, timed out, or answered 429/5xx.
inline constexpr absl::string_view kReasonIamUnavailable = "IAM_UNAVAILABLE";
// IAM refused the request otherwise (e.g. an unknown project).
inline constexpr absl::string_view kReasonIamRequestRejected = "IAM_REQUEST_REJECTED";
// IAM answered without a usable token or project list.
inline constexpr absl::string_view kReasonIamMalformedResponse = "IAM_MALFORMED_RESPONSE";
// The IAM password file could not be read.
inline constexpr absl::string_view kReasonIamPasswordUnavailable = "IAM_PASSWORD_UNAVAILABLE";
// --auth=password: a project the gateway is not configured for.
inline constexpr absl::string_view kReasonProjectNotServed = "PROJECT_NOT_SERVED";
// IAM lists no project named after the region.
inline constexpr absl::string_view kReasonProjectNotFound = "PROJECT_NOT_FOUND";
// IAM lists several projects named after the region.
inline constexpr absl::string_view kReasonProjectAmbiguous = "PROJECT_AMBIGUOUS";
// Passthrough mode and the caller sent no token.
inline constexpr absl::string_view kReasonMissingCredentials = "MISSING_CREDENTIALS";
// The caller's token is too long or not visible ASCII.
inline constexpr absl::string_view kReasonMalformedCredentials = "MALFORMED_CREDENTIALS";
// The AK/SK signature could not be computed.
inline constexpr absl::string_view kReasonSigningFailed = "SIGNING_FAILED";
// --authz_policy_file: no rule allows this caller this method for this project.
inline constexpr absl::string_view kReasonCallerNotAuthorized = "CALLER_NOT_AUTHORIZED";
// The request failed validation (with a BadRequest).
inline constexpr absl::string_view kReasonInvalidRequest = "INVALID_REQUEST";
// A walk would pass the upstream's highest offset.
inline constexpr absl::string_view kReasonWalkLimitExceeded = "WALK_LIMIT_EXCEEDED";
// The caller's deadline passed.
inline constexpr absl::string_view kReasonDeadlineExceeded = "DEADLINE_EXCEEDED";
// The caller cancelled the call.
inline constexpr absl::string_view kReasonCancelled = "CANCELLED";

// The prefix of every IAM_* reason (failures of the gateway's own IAM calls).
inline constexpr absl::string_view kReasonIamPrefix = "IAM_";

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_ERROR_REASONS_H_
