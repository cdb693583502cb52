#ifndef HSS_SIM_DATA_PORT_CHURN_H_
#define HSS_SIM_DATA_PORT_CHURN_H_

// Deterministic churn of a simulated host's ports, for WatchPorts tests and benchmarks: one step
// changes `percent` % of the host's current ports (at least one), a third each closed, opened and
// modified (new pid), so the port count stays about the same. The ports a step touches are a pure
// function of (host, step), so two runs with one seed churn alike.

#include <cstdint>

#include "sim/data/port_generator.h"
#include "sim/data/port_overlay.h"

namespace hss::sim {

// What one churn step did.
struct ChurnResult {
  // Ports closed, opened and modified.
  uint64_t closed = 0, opened = 0, modified = 0;
};

// Applies churn step `step` (0, 1, ...) to the list of `host` (`count` generated records changed
// by `overlay`).
ChurnResult ChurnStep(const HostPorts& host, uint64_t count, double percent, uint64_t step,
                      PortOverlay& overlay);

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_PORT_CHURN_H_
