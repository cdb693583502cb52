// End-to-end: a real Prometheus server (Debian's `prometheus`) scrapes the
// gateway's /metrics; the values of known traffic are read back through
// Prometheus's HTTP query API.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "rapidjson/document.h"
#include "tests/e2e/child_process.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// The `prometheus` binary on PATH, or "" when there is none.
std::string FindPrometheus() {
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path != nullptr ? path : "", ':')) {
    const std::string candidate = absl::StrCat(dir, "/prometheus");
    if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// A loopback port that was free a moment ago.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// GET `url`; the body, or nullopt unless the answer is 200.
std::optional<std::string> HttpGet(const std::string& url) {
  CURL* curl = curl_easy_init();
  std::string body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (status != 200) return std::nullopt;
  return body;
}

class MetricsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    prometheus_binary_ = FindPrometheus();
    if (prometheus_binary_.empty()) {
      GTEST_SKIP() << "the prometheus binary is not on PATH (Debian package `prometheus`; "
                      "scripts/install-deps.sh installs it)";
    }
    metrics_port_ = FreePort();
    ASSERT_GT(metrics_port_, 0);
    auto env = GatewayEnv::Start(
        {.sim_args = {"--hosts=host-a:57"},
         .gateway_args = {absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port_),
                          "--retry_max_attempts=1", "--breaker_failure_threshold=0"}});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  // Starts Prometheus on a free loopback port, storing in a temp dir and
  // scraping the gateway every second.
  void StartPrometheus() {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("metrics_e2e_prometheus_", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "data");
    std::ofstream(dir_ / "prometheus.yml") << absl::StrCat(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: hss-gateway\n    static_configs:\n"
        "      - targets: ['127.0.0.1:",
        metrics_port_, "']\n");
    const int port = FreePort();
    ASSERT_GT(port, 0);
    prometheus_url_ = absl::StrCat("http://127.0.0.1:", port);
    // prometheus logs to stderr only; the shell prints the line ChildProcess waits for.
    const std::string command =
        absl::StrCat("echo prometheus on 127.0.0.1:", port, "; exec ", prometheus_binary_,
                     " --config.file=", (dir_ / "prometheus.yml").string(),
                     " --storage.tsdb.path=", (dir_ / "data").string(),
                     " --web.listen-address=127.0.0.1:", port);
    auto child = ChildProcess::Start({"/bin/sh", "-c", command});
    ASSERT_TRUE(child.ok()) << child.status();
    prometheus_.emplace(*std::move(child));
  }

  void TearDown() override {
    if (prometheus_.has_value()) {
      if (HasFailure()) std::cerr << "prometheus stderr:\n" << prometheus_->ReadStderr() << "\n";
      (void)prometheus_->Stop(SIGTERM, absl::Seconds(10));
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // The value of the instant query `promql` (its one sample), or nullopt when
  // it has no sample (yet) or Prometheus does not answer.
  std::optional<double> Query(const std::string& promql) {
    CURL* curl = curl_easy_init();
    char* escaped = curl_easy_escape(curl, promql.c_str(), static_cast<int>(promql.size()));
    const std::string url = absl::StrCat(prometheus_url_, "/api/v1/query?query=", escaped);
    curl_free(escaped);
    curl_easy_cleanup(curl);
    std::optional<std::string> body = HttpGet(url);
    if (!body.has_value()) return std::nullopt;
    rapidjson::Document doc;
    doc.Parse(body->c_str());
    if (doc.HasParseError() || !doc.HasMember("data")) return std::nullopt;
    const auto& result = doc["data"]["result"];
    if (!result.IsArray() || result.Size() != 1) return std::nullopt;
    return std::strtod(result[0]["value"][1].GetString(), nullptr);
  }

  // Polls `promql` until it equals `want` (up to 30 s); the last value seen.
  std::optional<double> WaitFor(const std::string& promql, double want) {
    std::optional<double> value;
    const absl::Time end = absl::Now() + absl::Seconds(30);
    while (absl::Now() < end) {
      value = Query(promql);
      if (value == want) break;
      absl::SleepFor(absl::Milliseconds(250));
    }
    return value;
  }

  std::string prometheus_binary_;
  int metrics_port_ = 0;
  std::unique_ptr<GatewayEnv> env_;
  std::filesystem::path dir_;
  std::string prometheus_url_;
  std::optional<ChildProcess> prometheus_;
};

TEST_F(MetricsE2E, PrometheusScrapesTheCountsOfKnownTraffic) {
  constexpr int kSuccesses = 5;
  constexpr int kInvalid = 3;
  auto stub = env_->NewStub();
  for (int i = 0; i < kSuccesses; ++i) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    ListPortsRequest request;
    request.set_host_id("host-a");
    request.set_limit(10);
    request.set_offset(i);
    ListPortsResponse response;
    ASSERT_TRUE(stub->ListPorts(&context, request, &response).ok());
  }
  for (int i = 0; i < kInvalid; ++i) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    ListPortsRequest request;  // No host_id.
    ListPortsResponse response;
    ASSERT_EQ(stub->ListPorts(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  {
    // One upstream error with a code: HSS.0013 (403).
    env_->AddFault(
        R"({"times":1,"status":403,"error_code":"HSS.0013","error_msg":"simulated failure"})");
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    ListPortsRequest request;
    request.set_host_id("host-a");
    ListPortsResponse response;
    ASSERT_EQ(stub->ListPorts(&context, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    StreamPortsRequest request;
    request.set_host_id("host-a");
    request.set_page_size(20);  // 57 ports: 3 pages.
    auto reader = stub->StreamPorts(&context, request);
    StreamPortsResponse message;
    int ports = 0;
    while (reader->Read(&message)) ports += message.ports_size();
    ASSERT_TRUE(reader->Finish().ok());
    ASSERT_EQ(ports, 57);
  }

  StartPrometheus();
  ASSERT_TRUE(prometheus_.has_value());
  const std::string unary = R"(grpc_service="hss.ports.v1.PortService",grpc_method="ListPorts")";
  const std::string stream = R"(grpc_service="hss.ports.v1.PortService",grpc_method="StreamPorts")";
  // All traffic ended before Prometheus started: its first scrape has the final values.
  EXPECT_EQ(WaitFor(absl::StrCat("grpc_server_started_total{", unary, "}"), 9), 9);
  EXPECT_EQ(Query(R"(up{job="hss-gateway"})"), 1);
  EXPECT_EQ(Query(absl::StrCat("grpc_server_handled_total{", unary,
                               R"(,grpc_type="unary",grpc_code="OK"})")),
            kSuccesses);
  EXPECT_EQ(
      Query(absl::StrCat("grpc_server_handled_total{", unary, R"(,grpc_code="INVALID_ARGUMENT"})")),
      kInvalid);
  EXPECT_EQ(Query(absl::StrCat("grpc_server_handled_total{", unary,
                               R"(,grpc_code="PERMISSION_DENIED"})")),
            1);
  EXPECT_EQ(Query(absl::StrCat("grpc_server_handling_seconds_count{", unary, "}")), 9);
  EXPECT_EQ(Query(absl::StrCat("grpc_server_msg_sent_total{", unary, "}")), kSuccesses);
  EXPECT_EQ(Query(absl::StrCat("grpc_server_started_total{", stream, "}")), 1);
  EXPECT_EQ(Query(absl::StrCat("grpc_server_handled_total{", stream,
                               R"(,grpc_type="server_stream",grpc_code="OK"})")),
            1);
  EXPECT_EQ(Query(absl::StrCat("grpc_server_msg_sent_total{", stream, "}")), 3);
  EXPECT_EQ(Query("hss_gateway_streams_in_flight"), 0);
  EXPECT_EQ(Query("hss_gateway_stream_pages_sent_total"), 3);
  EXPECT_EQ(Query("hss_gateway_stream_ports_sent_total"), 57);
  // 5 pages, the failed one, 3 stream pages; invalid requests never reach HSS.
  EXPECT_EQ(Query(R"(sum(hss_upstream_requests_total))"), kSuccesses + 1 + 3);
  EXPECT_EQ(Query(R"(hss_upstream_requests_total{status_class="2xx"})"), kSuccesses + 3);
  EXPECT_EQ(
      Query(R"(hss_upstream_requests_total{status_class="4xx",upstream_error_code="HSS.0013"})"),
      1);
  EXPECT_EQ(Query("hss_upstream_request_duration_seconds_count"), kSuccesses + 1 + 3);
  EXPECT_EQ(Query("hss_upstream_attempts_total"), kSuccesses + 1 + 3);
  EXPECT_EQ(Query("hss_upstream_retries_total"), 0);
  EXPECT_EQ(Query("hss_upstream_breaker_state"), 0);
  EXPECT_EQ(Query("hss_iam_token_refreshes_total"), 0);  // Passthrough: no IAM.
  EXPECT_GT(Query("process_resident_memory_bytes").value_or(0), 1 << 20);
  EXPECT_GT(Query("process_open_fds").value_or(0), 3);
  const double now = absl::ToUnixSeconds(absl::Now());
  EXPECT_NEAR(Query("process_start_time_seconds").value_or(0), now, 120);
  EXPECT_GT(Query("process_cpu_seconds_total").value_or(-1), 0);
}

TEST_F(MetricsE2E, TheGatewayServesTheTextFormat) {
  std::optional<std::string> body =
      HttpGet(absl::StrCat("http://127.0.0.1:", metrics_port_, "/metrics"));
  ASSERT_TRUE(body.has_value());
  EXPECT_NE(body->find("# TYPE grpc_server_handling_seconds histogram"), std::string::npos);
  EXPECT_NE(body->find("# TYPE process_cpu_seconds_total counter"), std::string::npos);
}

}  // namespace
}  // namespace hss::testing
