#ifndef HSS_CLIENT_EXIT_CODE_H_
#define HSS_CLIENT_EXIT_CODE_H_

// The exit statuses of hss-ports.

namespace hss::client {

// What hss-ports's exit status means.
enum ExitCode : int {
  // The call succeeded (also: help was asked for).
  kExitOk = 0,
  // The call failed with a gRPC status other than OK (any code), or the output
  // could not be written.
  kExitRpcError = 1,
  // The command line was invalid: unknown command or flag, bad value, missing
  // --host_id, unreadable token file.
  kExitUsage = 2,
};

}  // namespace hss::client

#endif  // HSS_CLIENT_EXIT_CODE_H_
