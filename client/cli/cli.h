#ifndef HSS_CLIENT_CLI_CLI_H_
#define HSS_CLIENT_CLI_CLI_H_

// hss-ports from argv to exit status.

#include <optional>
#include <ostream>
#include <string>

namespace hss::client {

// What hss-ports takes from its process besides argv.
struct CliEnvironment {
  // The value of HSS_AUTH_TOKEN; nullopt if unset.
  std::optional<std::string> auth_token;
  // Whether stderr is a terminal (the stream progress line is drawn only then).
  bool stderr_is_terminal = false;
  // Whether stdout is a terminal (table cells are then shortened to fit
  // terminal_columns, unless --wide).
  bool stdout_is_terminal = false;
  // The width in columns of the terminal stdout (else stderr) is; 0 if
  // unknown or neither is a terminal.
  int terminal_columns = 0;
};

// Runs hss-ports: parses `argv`, scrubs any --token value in it, prints help or
// makes the call, and writes results to `out` and messages to `err`. Returns
// the process's ExitCode: kExitOk, kExitRpcError or kExitUsage. No arguments
// print the usage to `err` (kExitUsage); --help prints it to `out` (kExitOk).
int RunCli(int argc, char** argv, const CliEnvironment& env, std::ostream& out, std::ostream& err);

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_CLI_H_
