#include "server/runtime/duration_text.h"

namespace hss::gateway {

std::string ReadableDuration(absl::Duration d) {
  const absl::Duration unit =
      d < absl::Seconds(1) ? absl::Milliseconds(1) : absl::Milliseconds(100);
  return absl::FormatDuration(absl::Ceil(d, unit));
}

}  // namespace hss::gateway
