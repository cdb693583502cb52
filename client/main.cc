// hss-ports: the command-line client of hss-gateway. See `hss-ports --help`.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "client/calls/auth_token.h"
#include "client/cli/cli.h"

namespace {

int TerminalColumns(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace

int main(int argc, char** argv) {
  hss::client::CliEnvironment env;
  if (const char* token = std::getenv(std::string(hss::client::kAuthTokenEnvVar).c_str())) {
    env.auth_token = token;
  }
  env.stdout_is_terminal = isatty(STDOUT_FILENO) == 1;
  env.stderr_is_terminal = isatty(STDERR_FILENO) == 1;
  if (env.stdout_is_terminal) {
    env.terminal_columns = TerminalColumns(STDOUT_FILENO);
  } else if (env.stderr_is_terminal) {
    env.terminal_columns = TerminalColumns(STDERR_FILENO);
  }
  return hss::client::RunCli(argc, argv, env, std::cout, std::cerr);
}
