#ifndef HSS_SIM_CONTROL_HANDLER_H_
#define HSS_SIM_CONTROL_HANDLER_H_

// The runtime control API on the simulator's port (JSON in, JSON out; bad JSON -> 400):
//   GET  /healthz                  {"status":"ok"}
//   GET  /_sim/info                seed, auth mode, AK, limits, latency, quota, log capacity,
//                                  AK lock-out setting, IAM users/projects/token lifetime
//   POST /_sim/hosts               {"host_id":"h1","count":10007,"category":"host"} (or an array)
//   GET  /_sim/hosts               configured sizes;  DELETE: back to startup sizes (and no
//                                  port changes)
//   POST /_sim/hosts/{host_id}/changes[?category=container]  open, close or modify ports of
//                                  one host now: a change or an array of them, applied in order,
//                                  all or none -> {"applied":N,"total":PORTS}:
//                                    {"op":"open","type":"TCP","port":8080,"laddr":"0.0.0.0",
//                                     "pid":1,"path":"/x","status":"normal"}  (appended; agent_id
//                                     defaults to the host's, container_id to "" on hosts)
//                                    {"op":"close","index":I}  generated record I, or by identity
//                                     {"op":"close","type":..,"port":..,"laddr":..,"container_id":..}
//                                    {"op":"modify","index":I,"pid":2,"path":..,"status":..}
//                                     (or by identity; sets pid/path/status/agent_id)
//                                  a change naming no open port -> 404;  DELETE: forget them
//                                  (sim/data/port_overlay.h: paging and filters see the changes)
//   POST /_sim/hosts/{host_id}/churn[?category=..]  {"percent":1,"interval_ms":1000}: change
//                                  that % of the host's ports (>= 1) per interval, a third each
//                                  closed, opened, modified (sim/data/port_churn.h; applied when
//                                  the host is next queried);  DELETE: stop (changes stay)
//   POST /_sim/faults              a fault rule or an array of them (fault_injector.h) ->
//                                  {"ids":[..]};  GET: rules with counters;  DELETE: remove all
//   GET  /_sim/requests[?after=N]  logged API and IAM requests (request_log.h);  DELETE: clear
//   GET  /_sim/stats               counters (sim_stats.h), IAM ones under "iam";  DELETE: zero
//   POST /_sim/quota               {"per_window":5,"window_ms":2000} (0 = off);  GET: current
//   GET  /_sim/iam/tokens          {"tokens":N,"valid":N};  DELETE: revoke every issued token
//   POST /_sim/iam/tokens/expire   expire every issued token now (-> APIG.0307) {"expired":N}
//   GET  /_sim/aksk/lockout        failures and locks per AK (aksk_lockout.h);  DELETE: unlock
//   POST /_sim/reset               everything back to the startup state (issued tokens stay)
// Errors: 400 / 404 / 405 with {"error_code":"SIM.xxxx","error_msg":"..."}.

#include <string_view>

#include "sim/http_types.h"

namespace hss::sim {

class SimService;

// Answers a control request (`raw_path` is /healthz or under /_sim). The caller adds
// X-Request-Id.
SimHttpResponse HandleControl(SimService& service, const SimHttpRequest& request,
                              std::string_view raw_path, std::string_view raw_query);

}  // namespace hss::sim

#endif  // HSS_SIM_CONTROL_HANDLER_H_
