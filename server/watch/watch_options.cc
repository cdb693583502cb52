#include "server/watch/watch_options.h"

#include <algorithm>
#include <cmath>

namespace hss::gateway {

absl::Duration EffectiveInterval(const WatchOptions& options, absl::Duration requested, int pages) {
  absl::Duration interval =
      requested <= absl::ZeroDuration() ? options.default_interval : requested;
  interval = std::max(interval, options.min_interval);
  if (options.upstream_calls_per_minute > 0) {
    interval = std::max(interval,
                        absl::Minutes(1) * std::max(1, pages) / options.upstream_calls_per_minute);
  }
  const double seconds = std::ceil(absl::ToDoubleSeconds(interval));
  return absl::Seconds(std::max(1.0, seconds));
}

}  // namespace hss::gateway
