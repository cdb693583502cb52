#ifndef HSS_SERVER_API_REQUEST_VALIDATOR_H_
#define HSS_SERVER_API_REQUEST_VALIDATOR_H_

// Validates PortService requests before anything is sent upstream.
//
// A rejected request yields INVALID_ARGUMENT with ErrorInfo reason
// "INVALID_REQUEST" and a google.rpc.BadRequest holding one field violation per
// invalid field (all of them, not just the first). The status message lists the
// same violations, e.g.
//   invalid ListPorts request: host_id: required (1-128 characters); limit:
//   must be 0 or 10-200, got 5
// Descriptions quote at most 64 bytes of an offending value, with control
// characters and invalid UTF-8 escaped, so a hostile value cannot flood or
// forge log lines.
//
// Lengths are counted in Unicode code points ("characters"), not bytes. All
// strings must be valid UTF-8 without control characters (U+0000-U+001F and
// U+007F, so CR, LF and NUL are rejected).
//
// Rules shared by both requests:
//   project_id   the request's, else `default_project_id`; required; one
//                well-formed path segment: 1-64 characters, none of
//                / \ ? # %, not "." or ".."
//   host_id      required, 1-128 characters
//   host_name    at most 128 characters
//   host_ip      at most 128 characters
//   enterprise_project_id  at most 256 characters
//   port         1-65535 when set
//   type, status, category  a value defined in ports.proto
// ListPorts: limit 0 or 10-200; offset 0-2,000,000.
// StreamPorts: page_size 0 or 10-200; start_offset 0-2,000,000.
// WatchPorts: interval_seconds 0-86,400 (0 = the gateway's default).

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hss/ports/v1/ports.pb.h"

namespace hss::gateway {

// Returns OK if `request` may be sent upstream, with `default_project_id` (the
// gateway's --project_id) standing in for an empty `request.project_id()`;
// otherwise INVALID_ARGUMENT as described above.
absl::Status ValidateListPortsRequest(const hss::ports::v1::ListPortsRequest& request,
                                      absl::string_view default_project_id);

// As ValidateListPortsRequest(), for a StreamPorts request.
absl::Status ValidateStreamPortsRequest(const hss::ports::v1::StreamPortsRequest& request,
                                        absl::string_view default_project_id);

// As ValidateListPortsRequest(), for a WatchPorts request.
absl::Status ValidateWatchPortsRequest(const hss::ports::v1::WatchPortsRequest& request,
                                       absl::string_view default_project_id);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_REQUEST_VALIDATOR_H_
