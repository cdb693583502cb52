#ifndef HSS_CLIENT_CLI_FLAGS_H_
#define HSS_CLIENT_CLI_FLAGS_H_

// hss-ports's flags: Abseil flags, read into CliOptions.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli_options.h"

namespace hss::client {

// Names of every hss-ports flag, in the order usage text lists them.
const std::vector<absl::string_view>& AllFlagNames();

// Sets every hss-ports flag back to its default value.
void ResetFlagsToDefaults();

// Sets the flag `name` (one of AllFlagNames()) from `value` with the flag's own
// parser. Errors (InvalidArgument) name the flag, the rejected value and the
// kind of value wanted.
absl::Status SetFlagFromText(absl::string_view name, absl::string_view value);

// True if `name` is one of AllFlagNames().
bool IsKnownFlag(absl::string_view name);

// True if `name` is one of AllFlagNames() and is a boolean flag.
bool IsBoolFlag(absl::string_view name);

// The flag's help text and default value as text ("" if `name` is unknown).
std::string FlagHelp(absl::string_view name);
std::string FlagDefault(absl::string_view name);

// Reads the current flag values.
CliOptions OptionsFromFlags();

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_FLAGS_H_
