#ifndef HSS_CLIENT_CLI_USAGE_H_
#define HSS_CLIENT_CLI_USAGE_H_

// Help text of hss-ports and of each subcommand.

#include <string>

#include "absl/strings/string_view.h"
#include "client/cli/commands.h"

namespace hss::client {

// The program's usage: its commands, authentication and exit statuses.
// `program` is argv[0].
std::string ProgramUsage(absl::string_view program);

// The usage of one subcommand: synopsis, description, and each accepted flag
// with its help text and default (taken from the flag definitions).
std::string CommandUsage(absl::string_view program, const CommandSpec& command);

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_USAGE_H_
