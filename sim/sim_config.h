#ifndef HSS_SIM_SIM_CONFIG_H_
#define HSS_SIM_SIM_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "sim/access/aksk_lockout.h"
#include "sim/access/auth.h"
#include "sim/access/quota.h"
#include "sim/data/list_ports_request.h"
#include "sim/faults/fault_injector.h"
#include "sim/host_registry.h"
#include "sim/iam/iam_request.h"

namespace hss::sim {

// Time sources of the simulator (replaceable in tests).
struct SimClock {
  // Wall clock, milliseconds since the Unix epoch (request log, X-Sdk-Date skew, IAM tokens).
  std::function<int64_t()> wall_ms;
  // Monotonic milliseconds (quota windows, AK lock-out).
  std::function<int64_t()> monotonic_ms;

  // The real clocks.
  static SimClock System();
};

// Everything the simulator's behaviour depends on (the flags of hss-sim).
struct SimConfig {
  // Seed of the generated data and of fault probabilities.
  uint64_t seed = 1;
  // Authentication demanded from API requests.
  AuthConfig auth;
  // The AK lock-out after repeated AK/SK failures.
  AkLockoutConfig aksk_lockout;
  // The simulated IAM (POST /v3/auth/tokens, GET /v3/projects).
  IamConfig iam;
  // Startup host sizes.
  std::vector<HostSize> hosts;
  // Port count of hosts not in `hosts`; nullopt = DefaultPortCount (0..300 by hash).
  std::optional<uint64_t> default_ports;
  // Accepted limit / offset ranges.
  ListPortsLimits limits;
  // Startup flow-control setting.
  QuotaConfig quota;
  // Delay added to every API answer, milliseconds.
  int64_t latency_ms = 0;
  // Request log capacity (0 = no log).
  size_t request_log_max = 10000;
  // Startup fault rules.
  std::vector<FaultRule> faults;
  // Startup churn (--churn): hosts whose ports change at a rate.
  std::vector<HostChurn> churn;
};

}  // namespace hss::sim

#endif  // HSS_SIM_SIM_CONFIG_H_
