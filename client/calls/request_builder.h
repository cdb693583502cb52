#ifndef HSS_CLIENT_CALLS_REQUEST_BUILDER_H_
#define HSS_CLIENT_CALLS_REQUEST_BUILDER_H_

// Turning hss-ports's flags into PortService requests.
//
// Only what the command line owns is checked here: --host_id is given, enum
// words are known, --port is a port number, and counts are not negative. The
// gateway checks everything else (lengths, page size 10-200, offset limits)
// and answers INVALID_ARGUMENT with a BadRequest naming each field.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/cli_options.h"
#include "hss/ports/v1/ports.pb.h"

namespace hss::client {

// "tcp" or "udp" (any case); "" → PROTOCOL_UNSPECIFIED (no filter).
absl::StatusOr<hss::ports::v1::Protocol> ParseProtocol(absl::string_view text);

// "normal", "danger" or "unknown" (any case); "" → PORT_STATUS_UNSPECIFIED.
absl::StatusOr<hss::ports::v1::PortStatus> ParsePortStatus(absl::string_view text);

// "host" or "container" (any case); "" → CATEGORY_UNSPECIFIED (the upstream default).
absl::StatusOr<hss::ports::v1::Category> ParseCategory(absl::string_view text);

// Builds the ListPorts request of `options`. An absent --port leaves the
// optional `port` field unset (no filter); a given one sets it. Returns
// InvalidArgument with a message naming the flag on bad input.
absl::StatusOr<hss::ports::v1::ListPortsRequest> BuildListPortsRequest(const CliOptions& options);

// As BuildListPortsRequest, for StreamPorts (--page_size, --start_offset).
absl::StatusOr<hss::ports::v1::StreamPortsRequest> BuildStreamPortsRequest(
    const CliOptions& options);

// As BuildListPortsRequest, for WatchPorts (--interval).
absl::StatusOr<hss::ports::v1::WatchPortsRequest> BuildWatchPortsRequest(const CliOptions& options);

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_REQUEST_BUILDER_H_
