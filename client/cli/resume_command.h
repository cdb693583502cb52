#ifndef HSS_CLIENT_CLI_RESUME_COMMAND_H_
#define HSS_CLIENT_CLI_RESUME_COMMAND_H_

// The command that continues a failed `hss-ports stream`.

#include <cstdint>
#include <string>

#include "client/cli/command_line.h"

namespace hss::client {

// Returns `line` as a POSIX shell command (each argument quoted with
// ShellQuote) with every --start_offset and every --token removed and
// `--start_offset=<start_offset>` added after the other flags (before a `--`,
// if any). The token's value is never part of the result; the caller tells the
// user to supply it through HSS_AUTH_TOKEN or --token_file.
std::string ResumeCommand(const CommandLine& line, std::int32_t start_offset);

// True if `line` has a --token flag (which ResumeCommand leaves out).
bool HasTokenFlag(const CommandLine& line);

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_RESUME_COMMAND_H_
