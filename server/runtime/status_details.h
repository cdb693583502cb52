#ifndef HSS_SERVER_RUNTIME_STATUS_DETAILS_H_
#define HSS_SERVER_RUNTIME_STATUS_DETAILS_H_

// Rich error details carried inside absl::Status.
//
// Each detail is a google.rpc message stored as an absl::Status payload whose
// key is its Any type URL and whose value is its serialized bytes. The server
// edge (grpc_status.h) copies the payloads verbatim into the details of a
// google.rpc.Status, so everything set here reaches the caller unchanged.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"

namespace hss::gateway {

// The ErrorInfo.domain of every error the gateway produces.
inline constexpr absl::string_view kErrorDomain = "hss-gateway.hss.ports.v1";

// ErrorInfo metadata keys (lowerCamelCase, as google.rpc recommends).
inline constexpr absl::string_view kMetaHttpStatus = "httpStatus";
inline constexpr absl::string_view kMetaUpstreamErrorCode = "upstreamErrorCode";
inline constexpr absl::string_view kMetaUpstreamRequestId = "upstreamRequestId";
inline constexpr absl::string_view kMetaResumeOffset = "resumeOffset";

// Returns a status with `code`, `message` and an ErrorInfo{reason, kErrorDomain, metadata}.
absl::Status MakeError(absl::StatusCode code, absl::string_view message, absl::string_view reason,
                       const std::map<std::string, std::string>& metadata = {});

// Adds (or replaces) one ErrorInfo metadata entry; creates the ErrorInfo with an
// empty reason if the status has none. No-op on an OK status.
void AddErrorMetadata(absl::Status& status, absl::string_view key, absl::string_view value);

// The error of a call its caller cancelled: CANCELLED, reason CANCELLED, one
// message wherever in the gateway the cancellation is noticed.
absl::Status CallerCancelledError();

// Attaches a RetryInfo telling the caller to wait `delay` before retrying.
void SetRetryDelay(absl::Status& status, absl::Duration delay);

// Attaches a RequestInfo with `request_id` (typically the upstream X-Request-Id).
void SetRequestId(absl::Status& status, absl::string_view request_id);

// Attaches a BadRequest listing `violations`.
void SetFieldViolations(absl::Status& status,
                        const std::vector<google::rpc::BadRequest::FieldViolation>& violations);

// Each getter returns the detail if the status carries it.
std::optional<google::rpc::ErrorInfo> GetErrorInfo(const absl::Status& status);
std::optional<google::rpc::RetryInfo> GetRetryInfo(const absl::Status& status);
std::optional<google::rpc::RequestInfo> GetRequestInfo(const absl::Status& status);
std::optional<google::rpc::BadRequest> GetBadRequest(const absl::Status& status);

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_STATUS_DETAILS_H_
