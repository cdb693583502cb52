#ifndef HSS_SIM_SIM_SERVICE_H_
#define HSS_SIM_SIM_SERVICE_H_

// The simulator's request pipeline, independent of the HTTP transport.
//
// API requests (`GET /v5/{project_id}/asset/ports`) go through, in this order:
//   route (404 APIG.0101) -> query decoding (400 APIG.0201) -> auth (401 APIG.0301)
//   -> quota (429 APIG.0308 + Retry-After) -> fault rules -> validation (400 HSS.0001)
//   -> 200 page,
// and are logged (/_sim/requests) and counted (/_sim/stats). The simulated IAM
// (`POST /v3/auth/tokens`, `GET /v3/projects`, iam_handler.h) is logged too and counted apart
// ("iam" in /_sim/stats); its answers are delayed by IamConfig::latency_ms (inside the request,
// so that the delay counts as in flight) and only fault rules with a `path_prefix` apply to it.
// `/healthz` and `/_sim/...` are control endpoints (control_handler.h): not authenticated,
// logged, counted or faulted. Every answer carries a fresh X-Request-Id.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/uri_encoding.h"
#include "sim/access/aksk_lockout.h"
#include "sim/access/auth.h"
#include "sim/access/quota.h"
#include "sim/faults/fault_injector.h"
#include "sim/host_registry.h"
#include "sim/http_types.h"
#include "sim/iam/iam_handler.h"
#include "sim/iam/iam_token_store.h"
#include "sim/ports_handler.h"
#include "sim/request_id.h"
#include "sim/request_log.h"
#include "sim/sim_config.h"
#include "sim/sim_stats.h"

namespace hss::sim {

// Thread-safe: Handle may run concurrently from many connections.
class SimService {
 public:
  // Starts in the state `config` describes.
  explicit SimService(SimConfig config, SimClock clock = SimClock::System());

  // Answers one request (API or control).
  SimHttpResponse Handle(const SimHttpRequest& request);

  // Back to the startup state: startup hosts, faults and quota; empty log; zero stats; no AK
  // locked. Issued IAM tokens stay valid (see iam_tokens() to revoke them).
  void Reset();

  // The startup configuration.
  const SimConfig& config() const { return config_; }
  // Host sizes.
  HostRegistry& hosts() { return hosts_; }
  // Fault rules.
  FaultInjector& faults() { return faults_; }
  // Request log.
  RequestLog& request_log() { return log_; }
  // Counters.
  SimStats& stats() { return stats_; }
  // Flow control.
  QuotaLimiter& quota() { return quota_; }
  // X-Request-Id source (also for transport-level errors).
  RequestIdGenerator& request_ids() { return ids_; }
  // IAM tokens issued so far.
  IamTokenStore& iam_tokens() { return tokens_; }
  // AK lock-out state.
  AkLockout& aksk_lockout() { return lockout_; }
  // The time sources.
  const SimClock& clock() const { return clock_; }

 private:
  SimHttpResponse HandleApi(const SimHttpRequest& request, std::string_view raw_path,
                            std::string_view raw_query, const std::string& request_id,
                            LoggedRequest& entry);
  SimHttpResponse HandleIam(const SimHttpRequest& request, std::string_view raw_path,
                            std::string_view raw_query, const std::string& request_id,
                            LoggedRequest& entry);
  // Starts the configured churn (at construction and on Reset).
  void StartChurn();
  void ApplyFault(const FaultEffect& effect, const std::string* host_id,
                  const std::string* category, const std::string& request_id,
                  SimHttpResponse& response) const;

  const SimConfig config_;
  const SimClock clock_;
  HostRegistry hosts_;
  FaultInjector faults_;
  RequestLog log_;
  SimStats stats_;
  QuotaLimiter quota_;
  RequestIdGenerator ids_;
  IamTokenStore tokens_;
  AkLockout lockout_;
  const Authenticator auth_;
  const IamHandler iam_;
  const PortsHandler ports_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_SIM_SERVICE_H_
