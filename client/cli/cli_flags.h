#ifndef HSS_CLIENT_CLI_CLI_FLAGS_H_
#define HSS_CLIENT_CLI_CLI_FLAGS_H_

// hss-ports's flags: one table of names, kinds, defaults and help text, read
// into a CliOptions of the caller's. No process-wide state: each command line
// starts from CliOptions's defaults.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli_options.h"

namespace hss::client {

// Names of every hss-ports flag, in the order usage text lists them.
const std::vector<absl::string_view>& AllFlagNames();

// Sets the field of `options` that flag `name` (one of AllFlagNames()) fills
// from `value`, parsed as Abseil flags parse that type. Errors
// (InvalidArgument) name the flag, the rejected value and the kind of value
// wanted.
absl::Status SetFlag(absl::string_view name, absl::string_view value, CliOptions& options);

// True if `name` is one of AllFlagNames().
bool IsKnownFlag(absl::string_view name);

// True if `name` is one of AllFlagNames() and is a boolean flag.
bool IsBoolFlag(absl::string_view name);

// The flag's help text and default value as text ("" if `name` is unknown).
std::string FlagHelp(absl::string_view name);
std::string FlagDefault(absl::string_view name);

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_CLI_FLAGS_H_
