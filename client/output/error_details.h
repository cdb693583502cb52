#ifndef HSS_CLIENT_OUTPUT_ERROR_DETAILS_H_
#define HSS_CLIENT_OUTPUT_ERROR_DETAILS_H_

// Decoding the google.rpc error details of a failed call.

#include <grpcpp/support/status.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace hss::client {

// The ErrorInfo metadata key whose value is the `start_offset` that continues a
// failed StreamPorts walk.
inline constexpr absl::string_view kResumeOffsetKey = "resumeOffset";

// The details of a failed call, decoded from its grpc-status-details-bin
// trailer (a serialized google.rpc.Status). When a type occurs more than once,
// the first occurrence is kept.
struct ErrorDetails {
  // Why the call failed, in machine-readable form.
  std::optional<google::rpc::ErrorInfo> error_info;
  // The upstream request the failure belongs to.
  std::optional<google::rpc::RequestInfo> request_info;
  // How long to wait before a retry may succeed.
  std::optional<google::rpc::RetryInfo> retry_info;
  // The invalid request fields.
  std::optional<google::rpc::BadRequest> bad_request;
  // Type URLs of details that are not one of the above or could not be decoded.
  std::vector<std::string> other_type_urls;
  // True if the trailer is present but is not a google.rpc.Status.
  bool malformed = false;
};

// Decodes `status.error_details()`; all fields empty if the status has none.
ErrorDetails DecodeErrorDetails(const grpc::Status& status);

// The ErrorInfo metadata `resumeOffset` as a non-negative number; nullopt if
// absent or not a valid offset.
std::optional<std::int32_t> ResumeOffset(const ErrorDetails& details);

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_ERROR_DETAILS_H_
