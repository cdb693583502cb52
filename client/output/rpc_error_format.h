#ifndef HSS_CLIENT_OUTPUT_RPC_ERROR_FORMAT_H_
#define HSS_CLIENT_OUTPUT_RPC_ERROR_FORMAT_H_

// Human-readable text for a failed call.

#include <grpcpp/support/status.h>

#include <string>

namespace hss::client {

// The canonical name of `code` (absl::StatusCodeToString), e.g. "NOT_FOUND";
// "CODE(<n>)" for a number outside the gRPC code set.
std::string StatusCodeName(grpc::StatusCode code);

// Formats a failed call as printed to stderr, every line ending in '\n':
//
//   error: UNAVAILABLE: <message>
//     reason: <ErrorInfo.reason>
//     domain: <ErrorInfo.domain>
//     metadata <key>: <value>        (one line per entry, keys sorted)
//     request_id: <RequestInfo.request_id>
//     retry after <RetryInfo.retry_delay>   (e.g. "retry after 1.5s")
//     <field>: <description>         (one line per BadRequest field violation)
//     detail: <type URL>             (details of any other type)
//
// All text from the server goes through EscapeForTerminal.
std::string FormatRpcError(const grpc::Status& status);

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_RPC_ERROR_FORMAT_H_
