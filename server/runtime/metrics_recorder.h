#ifndef HSS_SERVER_RUNTIME_METRICS_RECORDER_H_
#define HSS_SERVER_RUNTIME_METRICS_RECORDER_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hss::gateway {

// The gRPC methods the gateway serves, as metric label values.
enum class RpcMethod : int {
  kListPorts = 0,
  kStreamPorts = 1,
  kWatchPorts = 2,
};

// Number of RpcMethod values.
inline constexpr int kRpcMethodCount = 3;

// Where the layers report what happened, for metrics. Every method may be
// called from any thread, concurrently, on a caller's path: an implementation
// must not block (no lock on a per-call path; atomics only). The default
// implementation records nothing. Exporting (e.g. Prometheus) lives in
// server/observability/; the layers know only this interface.
class MetricsRecorder {
 public:
  virtual ~MetricsRecorder() = default;

  // A call of `method` started (after gRPC handed it over).
  virtual void RpcStarted(RpcMethod method) {}
  // A call of `method` finished with the gRPC status code `grpc_code` (0..16)
  // after `latency`.
  virtual void RpcHandled(RpcMethod method, int grpc_code, absl::Duration latency) {}
  // A response message of `method` was handed to gRPC.
  virtual void RpcMsgSent(RpcMethod method) {}
  // A StreamPorts page of `ports` ports was handed to gRPC.
  virtual void StreamPageSent(int ports) {}
  // One WatchPorts poll ended (`ok`: its walk completed) with `changes`
  // changes, fanned out to its watchers.
  virtual void WatchPolled(bool ok, int changes) {}
  // One HSS request ended: `http_status` (0 when no HTTP answer arrived, e.g.
  // a time-out or a refused connection), the upstream's error code from the
  // answer's body (e.g. "HSS.0013"; empty when none) and the time from
  // sending to the answer.
  virtual void UpstreamRequest(int http_status, absl::string_view error_code,
                               absl::Duration latency) {}
  // One IAM token request ended: `ok` when it produced a token.
  virtual void IamTokenRefresh(bool ok) {}
};

// The process-wide recorder: a no-op one until SetMetricsRecorder(). Cheap
// (one atomic load); the reference stays valid while the recorder is installed.
MetricsRecorder& Metrics();

// Installs `recorder` as the process-wide recorder (null: the no-op one) and
// returns the one it replaces. Call it at start-up, before calls are served,
// and keep the previous one alive until no thread can still be using it.
std::shared_ptr<MetricsRecorder> SetMetricsRecorder(std::shared_ptr<MetricsRecorder> recorder);

// Installs a recorder for the lifetime of this object (tests), then restores
// the previous one.
class ScopedMetricsRecorder {
 public:
  explicit ScopedMetricsRecorder(std::shared_ptr<MetricsRecorder> recorder)
      : previous_(SetMetricsRecorder(std::move(recorder))) {}
  ~ScopedMetricsRecorder() { SetMetricsRecorder(std::move(previous_)); }
  ScopedMetricsRecorder(const ScopedMetricsRecorder&) = delete;
  ScopedMetricsRecorder& operator=(const ScopedMetricsRecorder&) = delete;

 private:
  std::shared_ptr<MetricsRecorder> previous_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_METRICS_RECORDER_H_
