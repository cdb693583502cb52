#ifndef HSS_COMMON_FLAGS_USAGE_H_
#define HSS_COMMON_FLAGS_USAGE_H_

#include "absl/strings/string_view.h"

namespace hss {

// The project's version, e.g. "0.1.0" (CMake's project version).
absl::string_view ProjectVersion();

// Sets Abseil's usage configuration for `program` so that `--help` lists the
// flags defined in the project's source folder `flags_folder` (e.g. "server/")
// instead of "No flags matched.", and `--version` prints "<program> <version>".
// Call before absl::ParseCommandLine.
void ConfigureFlagsUsage(absl::string_view program, absl::string_view flags_folder);

}  // namespace hss

#endif  // HSS_COMMON_FLAGS_USAGE_H_
