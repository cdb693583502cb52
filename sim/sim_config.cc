#include "sim/sim_config.h"

#include <chrono>

namespace hss::sim {

SimClock SimClock::System() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return {
      [] {
        return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
      },
      [] {
        return duration_cast<milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
      },
  };
}

}  // namespace hss::sim
