#ifndef HSS_CLIENT_CALLS_STREAM_COMMAND_H_
#define HSS_CLIENT_CALLS_STREAM_COMMAND_H_

// `hss-ports stream`: one StreamPorts call, printed as it arrives.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "client/calls/call_settings.h"
#include "client/output/output_format.h"
#include "hss/ports/v1/ports.grpc.pb.h"

namespace hss::client {

// How RunStream talks to the user besides the ports.
struct StreamUi {
  // Draw a progress line on `err` (only when it is a terminal).
  bool progress = false;
  // The terminal's width for the progress line; 0 if unknown.
  int columns = 0;
  // The display columns table lines are fitted to (PortTable); 0: cells stay
  // whole.
  std::size_t table_width = 0;
  // Returns the shell command that resumes the walk at a start offset.
  std::function<std::string(std::int32_t)> resume_command;
  // The command line had --token, which the resume command leaves out.
  bool token_flag_omitted = false;
};

// Calls StreamPorts with `request` and writes each page to `out` as it
// arrives: table rows (the header before the first row, the footer
// `N of TOTAL ports (offset O)` at the end) or, for kJsonLines, one JSON
// object per port per line. settings.timeout bounds the wait for each page;
// when it passes the call is cancelled and reported as DEADLINE_EXCEEDED.
//
// On failure writes FormatRpcError to `err` and then the resume command for
// the ErrorInfo metadata `resumeOffset`; without one, but after at least one
// page, for the offset after the last page received. Returns an ExitCode.
int RunStream(hss::ports::v1::PortService::StubInterface& stub,
              const hss::ports::v1::StreamPortsRequest& request, const CallSettings& settings,
              OutputFormat format, const StreamUi& ui, std::ostream& out, std::ostream& err);

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_STREAM_COMMAND_H_
