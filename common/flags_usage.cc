#include "common/flags_usage.h"

#include <string>

#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

#ifndef HSS_VERSION
#error "HSS_VERSION must be defined by the build"
#endif

namespace hss {

absl::string_view ProjectVersion() { return HSS_VERSION; }

void ConfigureFlagsUsage(absl::string_view program, absl::string_view flags_folder) {
  absl::FlagsUsageConfig config;
  auto own = [folder = std::string(flags_folder)](absl::string_view path) {
    return absl::StrContains(path, folder);
  };
  config.contains_helpshort_flags = own;
  config.contains_help_flags = own;
  config.version_string = [name = std::string(program)] {
    return absl::StrCat(name, " ", ProjectVersion(), "\n");
  };
  absl::SetFlagsUsageConfig(config);
}

}  // namespace hss
