#ifndef HSS_SIM_DATA_ABSL_VIEW_H_
#define HSS_SIM_DATA_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace hss::sim {

// Debian's Abseil (20220623) has its own absl::string_view: converts std -> absl explicitly.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_ABSL_VIEW_H_
