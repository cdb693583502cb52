#ifndef HSS_SERVER_API_GRPC_STATUS_H_
#define HSS_SERVER_API_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "absl/status/status.h"

namespace hss::gateway {

// Translates an internal status into the gRPC status the caller receives: the
// same code and message, and a serialized google.rpc.Status whose details are
// the status's google.rpc payloads, always in this order: ErrorInfo,
// BadRequest, RetryInfo, RequestInfo. The server edge is the only caller.
grpc::Status ToGrpcStatus(const absl::Status& status);

// gRPC's own retry pushback trailer (gRFC A6): a client whose service config
// has a retryPolicy waits this many milliseconds before its next attempt.
inline constexpr char kRetryPushbackTrailer[] = "grpc-retry-pushback-ms";

// The kRetryPushbackTrailer value for a failed `status` that carries a
// RetryInfo: its delay in whole milliseconds, rounded up; nullopt otherwise.
std::optional<std::string> RetryPushbackMs(const absl::Status& status);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_GRPC_STATUS_H_
