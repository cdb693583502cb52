#ifndef HSS_CLIENT_CALLS_WATCH_COMMAND_H_
#define HSS_CLIENT_CALLS_WATCH_COMMAND_H_

// `hss-ports watch`: one WatchPorts call, its events printed as they come.

#include <cstddef>
#include <ostream>

#include "absl/time/time.h"
#include "client/calls/call_settings.h"
#include "client/output/output_format.h"
#include "hss/ports/v1/ports.grpc.pb.h"

namespace hss::client {

// Calls WatchPorts with `request` and writes every event to `out` the moment
// it arrives, one line each, flushed:
// - kTable: a header, then one row per change (its KIND, ADDED, MODIFIED or
//   REMOVED, then the port's columns), a `-- reset: discard the ports held`
//   line before the changes of a message with `reset`, and a
//   `-- synced: N ports, polled every S s` line after a message with `synced`;
// - kJsonLines: each WatchPortsResponse as one JSON object per line (proto
//   field names), so a consumer applies them in order.
// The watch runs for `duration` (InfiniteDuration: until the server ends it
// or the process is interrupted); reaching it ends the watch with exit code
// 0. `table_width` as for PortTable. Returns an ExitCode; on an error writes
// FormatRpcError to `err`.
int RunWatch(hss::ports::v1::PortService::StubInterface& stub,
             const hss::ports::v1::WatchPortsRequest& request, const CallSettings& settings,
             OutputFormat format, absl::Duration duration, std::size_t table_width,
             std::ostream& out, std::ostream& err);

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_WATCH_COMMAND_H_
