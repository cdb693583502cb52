#include "server/observability/gateway_metrics.h"

#include <string>
#include <utility>

namespace hss::gateway {
namespace {

constexpr std::array<const char*, kRpcMethodCount> kMethodNames = {"ListPorts", "StreamPorts",
                                                                   "WatchPorts"};
constexpr std::array<const char*, kRpcMethodCount> kMethodTypes = {"unary", "server_stream",
                                                                   "server_stream"};
constexpr std::array<const char*, kGrpcCodeCount> kCodeNames = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};
constexpr std::array<const char*, kStatusClassCount> kClassNames = {"none", "1xx", "2xx",  "3xx",
                                                                    "4xx",  "5xx", "other"};

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Family(std::string name, std::string help, MetricType type) {
  MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  return family;
}

std::vector<ClientMetric::Label> RpcLabels(int method) {
  return {{"grpc_method", kMethodNames[method]},
          {"grpc_service", GatewayMetrics::kServiceName},
          {"grpc_type", kMethodTypes[method]}};
}

ClientMetric CounterMetric(std::vector<ClientMetric::Label> labels, std::uint64_t value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = static_cast<double>(value);
  return metric;
}

MetricFamily SingleCounter(std::string name, std::string help, std::uint64_t value) {
  MetricFamily family = Family(std::move(name), std::move(help), MetricType::Counter);
  family.metric.push_back(CounterMetric({}, value));
  return family;
}

std::uint64_t Load(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

}  // namespace

int GatewayMetrics::StatusClassIndex(int http_status) {
  if (http_status == 0) return 0;
  if (http_status < 100 || http_status > 599) return kStatusClassCount - 1;
  return http_status / 100;
}

void GatewayMetrics::RpcStarted(RpcMethod method) {
  started_[static_cast<int>(method)].fetch_add(1, std::memory_order_relaxed);
}

void GatewayMetrics::RpcHandled(RpcMethod method, int grpc_code, absl::Duration latency) {
  const int m = static_cast<int>(method);
  const int code = grpc_code >= 0 && grpc_code < kGrpcCodeCount ? grpc_code : 2;  // UNKNOWN
  handled_[m][code].fetch_add(1, std::memory_order_relaxed);
  handling_[m].Observe(latency);
}

void GatewayMetrics::RpcMsgSent(RpcMethod method) {
  msg_sent_[static_cast<int>(method)].fetch_add(1, std::memory_order_relaxed);
}

void GatewayMetrics::WatchPolled(bool ok, int changes) {
  (ok ? watch_polls_ : watch_failed_polls_).fetch_add(1, std::memory_order_relaxed);
  watch_changes_.fetch_add(static_cast<std::uint64_t>(changes), std::memory_order_relaxed);
}

void GatewayMetrics::StreamPageSent(int ports) {
  stream_pages_.fetch_add(1, std::memory_order_relaxed);
  stream_ports_.fetch_add(ports, std::memory_order_relaxed);
}

void GatewayMetrics::UpstreamRequest(int http_status, absl::string_view error_code,
                                     absl::Duration latency) {
  upstream_[StatusClassIndex(http_status)][error_codes_.IndexOf(error_code)].fetch_add(
      1, std::memory_order_relaxed);
  upstream_latency_.Observe(latency);
}

void GatewayMetrics::IamTokenRefresh(bool ok) {
  iam_refreshes_.fetch_add(1, std::memory_order_relaxed);
  if (!ok) iam_failures_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<MetricFamily> GatewayMetrics::Collect() const {
  std::vector<MetricFamily> out;
  MetricFamily started = Family("grpc_server_started_total",
                                "Total number of RPCs started on the server.", MetricType::Counter);
  MetricFamily handled =
      Family("grpc_server_handled_total",
             "Total number of RPCs completed on the server, regardless of success or failure.",
             MetricType::Counter);
  MetricFamily handling = Family(
      "grpc_server_handling_seconds",
      "Histogram of response latency (seconds) of gRPC that had been application-level handled "
      "by the server.",
      MetricType::Histogram);
  MetricFamily sent =
      Family("grpc_server_msg_sent_total",
             "Total number of gRPC stream messages sent by the server.", MetricType::Counter);
  for (int m = 0; m < kRpcMethodCount; ++m) {
    started.metric.push_back(CounterMetric(RpcLabels(m), Load(started_[m])));
    for (int code = 0; code < kGrpcCodeCount; ++code) {
      std::vector<ClientMetric::Label> labels = RpcLabels(m);
      labels.insert(labels.begin(), {"grpc_code", kCodeNames[code]});
      handled.metric.push_back(CounterMetric(std::move(labels), Load(handled_[m][code])));
    }
    ClientMetric histogram;
    histogram.label = RpcLabels(m);
    histogram.histogram = handling_[m].Read();
    handling.metric.push_back(std::move(histogram));
    sent.metric.push_back(CounterMetric(RpcLabels(m), Load(msg_sent_[m])));
  }
  out.push_back(std::move(started));
  out.push_back(std::move(handled));
  out.push_back(std::move(handling));
  out.push_back(std::move(sent));

  // StreamPorts calls started and not yet handled.
  std::uint64_t stream_handled = 0;
  const int stream = static_cast<int>(RpcMethod::kStreamPorts);
  for (int code = 0; code < kGrpcCodeCount; ++code) stream_handled += Load(handled_[stream][code]);
  const std::uint64_t stream_started = Load(started_[stream]);
  MetricFamily in_flight =
      Family("hss_gateway_streams_in_flight", "StreamPorts calls in progress.", MetricType::Gauge);
  ClientMetric gauge;
  gauge.gauge.value =
      stream_started > stream_handled ? static_cast<double>(stream_started - stream_handled) : 0;
  in_flight.metric.push_back(gauge);
  out.push_back(std::move(in_flight));
  out.push_back(SingleCounter("hss_gateway_stream_pages_sent_total",
                              "StreamPorts pages handed to gRPC.", Load(stream_pages_)));
  out.push_back(SingleCounter("hss_gateway_stream_ports_sent_total",
                              "Ports in the StreamPorts pages handed to gRPC.",
                              Load(stream_ports_)));

  // WatchPorts: watchers in flight, polls, changes.
  std::uint64_t watch_handled = 0;
  const int watch = static_cast<int>(RpcMethod::kWatchPorts);
  for (int code = 0; code < kGrpcCodeCount; ++code) watch_handled += Load(handled_[watch][code]);
  const std::uint64_t watch_started = Load(started_[watch]);
  MetricFamily watchers =
      Family("hss_gateway_watchers_in_flight", "WatchPorts calls in progress.", MetricType::Gauge);
  ClientMetric watchers_gauge;
  watchers_gauge.gauge.value =
      watch_started > watch_handled ? static_cast<double>(watch_started - watch_handled) : 0;
  watchers.metric.push_back(watchers_gauge);
  out.push_back(std::move(watchers));
  MetricFamily polls = Family("hss_gateway_watch_polls_total",
                              "WatchPorts polls (one walk each, shared by every watcher of a "
                              "server), by result.",
                              MetricType::Counter);
  polls.metric.push_back(CounterMetric({{"result", "ok"}}, Load(watch_polls_)));
  polls.metric.push_back(CounterMetric({{"result", "failed"}}, Load(watch_failed_polls_)));
  out.push_back(std::move(polls));
  out.push_back(SingleCounter("hss_gateway_watch_changes_total",
                              "Port changes found by WatchPorts polls (once per poll, not per "
                              "watcher).",
                              Load(watch_changes_)));

  MetricFamily upstream =
      Family("hss_upstream_requests_total",
             "HSS requests that ended, by HTTP status class (none: no HTTP answer) and the "
             "upstream error code of the answer (bounded: other beyond the first 32 codes).",
             MetricType::Counter);
  for (int c = 0; c < kStatusClassCount; ++c) {
    for (int e = 0; e < BoundedLabelSet::kIndexes; ++e) {
      const std::uint64_t value = Load(upstream_[c][e]);
      // Zero series are left out, except the one every healthy gateway has.
      if (value == 0 && !(c == 2 && e == BoundedLabelSet::kNone)) continue;
      upstream.metric.push_back(CounterMetric(
          {{"status_class", kClassNames[c]}, {"upstream_error_code", error_codes_.Label(e)}},
          value));
    }
  }
  out.push_back(std::move(upstream));
  MetricFamily upstream_latency =
      Family("hss_upstream_request_duration_seconds",
             "Time from sending an HSS request to its answer (or failure).", MetricType::Histogram);
  ClientMetric latency;
  latency.histogram = upstream_latency_.Read();
  upstream_latency.metric.push_back(std::move(latency));
  out.push_back(std::move(upstream_latency));

  out.push_back(SingleCounter("hss_iam_token_refreshes_total",
                              "IAM token requests (first fetch and refreshes).",
                              Load(iam_refreshes_)));
  out.push_back(SingleCounter("hss_iam_token_refresh_failures_total",
                              "IAM token requests that produced no token.", Load(iam_failures_)));
  return out;
}

}  // namespace hss::gateway
