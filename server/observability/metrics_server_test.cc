#include "server/observability/metrics_server.h"

#include <curl/curl.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/observability/gateway_metrics.h"
#include "server/observability/process_collector.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// GET `url`; returns the HTTP status (0 on a transport error) and fills `body`.
long Get(const std::string& url, std::string* body) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  return status;
}

TEST(MetricsServerTest, ServesTheCollectablesOnAFreePort) {
  auto metrics = std::make_shared<GatewayMetrics>();
  metrics->RpcStarted(RpcMethod::kListPorts);
  auto server =
      MetricsServer::Start("127.0.0.1:0", {metrics, std::make_shared<ProcessCollector>()});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  std::string body;
  ASSERT_EQ(Get("http://127.0.0.1:" + std::to_string((*server)->port()) + "/metrics", &body), 200);
  EXPECT_THAT(body, HasSubstr("grpc_server_started_total{grpc_method=\"ListPorts\""));
  EXPECT_THAT(body, HasSubstr("process_resident_memory_bytes "));
}

TEST(MetricsServerTest, AnIpv6AddressFailsWithAClearMessage) {
  auto server = MetricsServer::Start("[::1]:9464", {std::make_shared<GatewayMetrics>()});
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("without IPv6"));
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("127.0.0.1:9464"));
}

TEST(MetricsServerTest, AnAddressInUseFailsWithTheAddress) {
  auto first = MetricsServer::Start("127.0.0.1:0", {std::make_shared<GatewayMetrics>()});
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string taken = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = MetricsServer::Start(taken, {std::make_shared<GatewayMetrics>()});
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(taken));
}

}  // namespace
}  // namespace hss::gateway
