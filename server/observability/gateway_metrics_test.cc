#include "server/observability/gateway_metrics.h"

#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Text(const GatewayMetrics& metrics) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, metrics.Collect());
  return out.str();
}

constexpr char kUnary[] =
    "grpc_method=\"ListPorts\",grpc_service=\"hss.ports.v1.PortService\",grpc_type=\"unary\"";
constexpr char kStream[] =
    "grpc_method=\"StreamPorts\",grpc_service=\"hss.ports.v1.PortService\","
    "grpc_type=\"server_stream\"";

TEST(GatewayMetricsTest, CountsRpcsByMethodAndCode) {
  GatewayMetrics metrics;
  for (int i = 0; i < 3; ++i) {
    metrics.RpcStarted(RpcMethod::kListPorts);
    metrics.RpcMsgSent(RpcMethod::kListPorts);
    metrics.RpcHandled(RpcMethod::kListPorts, 0, absl::Milliseconds(3));
  }
  metrics.RpcStarted(RpcMethod::kListPorts);
  metrics.RpcHandled(RpcMethod::kListPorts, 3, absl::Milliseconds(70));
  const std::string text = Text(metrics);
  EXPECT_THAT(text, HasSubstr(std::string("grpc_server_started_total{") + kUnary + "} 4\n"));
  EXPECT_THAT(text, HasSubstr(std::string("grpc_server_handled_total{grpc_code=\"OK\",") + kUnary +
                              "} 3\n"));
  EXPECT_THAT(text,
              HasSubstr(std::string("grpc_server_handled_total{grpc_code=\"INVALID_ARGUMENT\",") +
                        kUnary + "} 1\n"));
  EXPECT_THAT(text,
              HasSubstr(std::string("grpc_server_handled_total{grpc_code=\"UNAUTHENTICATED\",") +
                        kStream + "} 0\n"));
  EXPECT_THAT(text, HasSubstr(std::string("grpc_server_msg_sent_total{") + kUnary + "} 3\n"));
  EXPECT_THAT(text, HasSubstr(std::string("grpc_server_handling_seconds_bucket{") + kUnary +
                              ",le=\"0.005\"} 3\n"));
  EXPECT_THAT(text, HasSubstr(std::string("grpc_server_handling_seconds_bucket{") + kUnary +
                              ",le=\"0.1\"} 4\n"));
  EXPECT_THAT(text, HasSubstr(std::string("grpc_server_handling_seconds_bucket{") + kUnary +
                              ",le=\"+Inf\"} 4\n"));
  EXPECT_THAT(text,
              HasSubstr(std::string("grpc_server_handling_seconds_count{") + kUnary + "} 4\n"));
  EXPECT_THAT(text,
              HasSubstr(std::string("grpc_server_handling_seconds_sum{") + kUnary + "} 0.07"));
}

TEST(GatewayMetricsTest, AnOutOfRangeCodeCountsAsUnknown) {
  GatewayMetrics metrics;
  metrics.RpcHandled(RpcMethod::kListPorts, 99, absl::ZeroDuration());
  EXPECT_THAT(Text(metrics),
              HasSubstr(std::string("grpc_server_handled_total{grpc_code=\"UNKNOWN\",") + kUnary +
                        "} 1\n"));
}

TEST(GatewayMetricsTest, StreamsInFlightPagesAndPorts) {
  GatewayMetrics metrics;
  metrics.RpcStarted(RpcMethod::kStreamPorts);
  metrics.RpcStarted(RpcMethod::kStreamPorts);
  metrics.StreamPageSent(200);
  metrics.StreamPageSent(13);
  metrics.RpcHandled(RpcMethod::kStreamPorts, 0, absl::Seconds(1));
  const std::string text = Text(metrics);
  EXPECT_THAT(text, HasSubstr("hss_gateway_streams_in_flight 1\n"));
  EXPECT_THAT(text, HasSubstr("hss_gateway_stream_pages_sent_total 2\n"));
  EXPECT_THAT(text, HasSubstr("hss_gateway_stream_ports_sent_total 213\n"));
}

TEST(GatewayMetricsTest, WatchersInFlightPollsAndChanges) {
  GatewayMetrics metrics;
  for (int i = 0; i < 3; ++i) metrics.RpcStarted(RpcMethod::kWatchPorts);
  metrics.RpcHandled(RpcMethod::kWatchPorts, 1, absl::Seconds(90));
  metrics.WatchPolled(true, 7);
  metrics.WatchPolled(true, 0);
  metrics.WatchPolled(false, 0);
  const std::string text = Text(metrics);
  EXPECT_THAT(text, HasSubstr("hss_gateway_watchers_in_flight 2\n"));
  EXPECT_THAT(text, HasSubstr("hss_gateway_watch_polls_total{result=\"ok\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("hss_gateway_watch_polls_total{result=\"failed\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("hss_gateway_watch_changes_total 7\n"));
  EXPECT_THAT(text, HasSubstr("grpc_server_started_total{grpc_method=\"WatchPorts\","));
  // The streams gauge counts StreamPorts only.
  EXPECT_THAT(text, HasSubstr("hss_gateway_streams_in_flight 0\n"));
}

TEST(GatewayMetricsTest, UpstreamRequestsByClassAndBoundedCode) {
  GatewayMetrics metrics;
  metrics.UpstreamRequest(200, "", absl::Milliseconds(2));
  metrics.UpstreamRequest(200, "", absl::Milliseconds(2));
  metrics.UpstreamRequest(429, "APIG.0308", absl::Milliseconds(2));
  metrics.UpstreamRequest(403, "HSS.0013", absl::Milliseconds(2));
  metrics.UpstreamRequest(500, "some unbounded text from the body", absl::Milliseconds(2));
  metrics.UpstreamRequest(0, "", absl::Seconds(30));
  const std::string text = Text(metrics);
  EXPECT_THAT(
      text,
      HasSubstr("hss_upstream_requests_total{status_class=\"2xx\",upstream_error_code=\"\"} 2"));
  EXPECT_THAT(text,
              HasSubstr("hss_upstream_requests_total{status_class=\"4xx\",upstream_error_code="
                        "\"APIG.0308\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("hss_upstream_requests_total{status_class=\"4xx\",upstream_error_code="
                        "\"HSS.0013\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("hss_upstream_requests_total{status_class=\"5xx\",upstream_error_code="
                        "\"other\"} 1"));
  EXPECT_THAT(text,
              HasSubstr("hss_upstream_requests_total{status_class=\"none\",upstream_error_code="
                        "\"\"} 1"));
  EXPECT_THAT(text, Not(HasSubstr("unbounded")));
  EXPECT_THAT(text, HasSubstr("hss_upstream_request_duration_seconds_count 6\n"));
  EXPECT_THAT(text, HasSubstr("hss_upstream_request_duration_seconds_bucket{le=\"10\"} 5\n"));
}

TEST(GatewayMetricsTest, StatusClasses) {
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(0), 0);
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(101), 1);
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(204), 2);
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(302), 3);
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(404), 4);
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(599), 5);
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(600), 6);
  EXPECT_EQ(GatewayMetrics::StatusClassIndex(42), 6);
}

TEST(GatewayMetricsTest, IamTokenRefreshesAndFailures) {
  GatewayMetrics metrics;
  metrics.IamTokenRefresh(true);
  metrics.IamTokenRefresh(false);
  metrics.IamTokenRefresh(true);
  const std::string text = Text(metrics);
  EXPECT_THAT(text, HasSubstr("hss_iam_token_refreshes_total 3\n"));
  EXPECT_THAT(text, HasSubstr("hss_iam_token_refresh_failures_total 1\n"));
}

TEST(GatewayMetricsTest, RecordsThroughTheProcessWideSeam) {
  auto metrics = std::make_shared<GatewayMetrics>();
  {
    ScopedMetricsRecorder scoped(metrics);
    Metrics().RpcStarted(RpcMethod::kStreamPorts);
  }
  Metrics().RpcStarted(RpcMethod::kStreamPorts);  // The no-op recorder again.
  EXPECT_THAT(Text(*metrics),
              HasSubstr(std::string("grpc_server_started_total{") + kStream + "} 1\n"));
}

}  // namespace
}  // namespace hss::gateway
