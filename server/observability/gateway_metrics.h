#ifndef HSS_SERVER_OBSERVABILITY_GATEWAY_METRICS_H_
#define HSS_SERVER_OBSERVABILITY_GATEWAY_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"
#include "server/observability/atomic_histogram.h"
#include "server/observability/bounded_label_set.h"
#include "server/runtime/metrics_recorder.h"

namespace hss::gateway {

// Number of gRPC status codes (OK .. UNAUTHENTICATED).
inline constexpr int kGrpcCodeCount = 17;

// Number of HTTP status classes: "none" (no answer), "1xx" .. "5xx", "other".
inline constexpr int kStatusClassCount = 7;

// The MetricsRecorder that the gateway's layers record into, exposed to
// Prometheus: grpc_server_*, hss_gateway_stream_*, hss_upstream_requests_total,
// hss_upstream_request_duration_seconds and hss_iam_token_*. Every series is
// an atomic created with the object (labels are fixed enums, or the bounded
// upstream error codes), so recording takes no lock and allocates nothing.
class GatewayMetrics final : public MetricsRecorder, public prometheus::Collectable {
 public:
  // The full gRPC service name, the grpc_service label.
  static constexpr char kServiceName[] = "hss.ports.v1.PortService";

  void RpcStarted(RpcMethod method) override;
  void RpcHandled(RpcMethod method, int grpc_code, absl::Duration latency) override;
  void RpcMsgSent(RpcMethod method) override;
  void StreamPageSent(int ports) override;
  void WatchPolled(bool ok, int changes) override;
  void UpstreamRequest(int http_status, absl::string_view error_code,
                       absl::Duration latency) override;
  void IamTokenRefresh(bool ok) override;

  // Every family, for a scrape.
  std::vector<prometheus::MetricFamily> Collect() const override;

  // The status class index of `http_status` (0 "none" for 0).
  static int StatusClassIndex(int http_status);

 private:
  using Counter = std::atomic<std::uint64_t>;

  std::array<Counter, kRpcMethodCount> started_{};
  std::array<std::array<Counter, kGrpcCodeCount>, kRpcMethodCount> handled_{};
  std::array<AtomicHistogram, kRpcMethodCount> handling_{};
  std::array<Counter, kRpcMethodCount> msg_sent_{};
  Counter stream_pages_{0};
  Counter stream_ports_{0};
  Counter watch_polls_{0};
  Counter watch_failed_polls_{0};
  Counter watch_changes_{0};
  BoundedLabelSet error_codes_;
  std::array<std::array<Counter, BoundedLabelSet::kIndexes>, kStatusClassCount> upstream_{};
  AtomicHistogram upstream_latency_;
  Counter iam_refreshes_{0};
  Counter iam_failures_{0};
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_OBSERVABILITY_GATEWAY_METRICS_H_
