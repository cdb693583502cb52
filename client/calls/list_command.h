#ifndef HSS_CLIENT_CALLS_LIST_COMMAND_H_
#define HSS_CLIENT_CALLS_LIST_COMMAND_H_

// `hss-ports list`: one ListPorts call.

#include <cstddef>
#include <ostream>

#include "client/calls/call_settings.h"
#include "client/output/output_format.h"
#include "hss/ports/v1/ports.grpc.pb.h"

namespace hss::client {

// Calls ListPorts with `request` and writes the page to `out` as a table
// (with the footer `N of TOTAL ports (offset O)`) or, for kJson, as the
// response's JSON. Table lines are fitted to `table_width` display columns
// (PortTable; 0: cells stay whole). On failure writes FormatRpcError to `err`.
// Returns an ExitCode: kExitOk, or kExitRpcError if the call or the output
// failed.
int RunList(hss::ports::v1::PortService::StubInterface& stub,
            const hss::ports::v1::ListPortsRequest& request, const CallSettings& settings,
            OutputFormat format, std::ostream& out, std::ostream& err, std::size_t table_width = 0);

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_LIST_COMMAND_H_
