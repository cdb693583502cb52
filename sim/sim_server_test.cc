#include "sim/sim_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>

#include "sim/data/port_json.h"
#include "sim/data/port_query.h"

namespace hss::sim {
namespace {

class SimServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SimConfig config;
    config.hosts = {{"h1", Category::kHost, 300}};
    service_ = std::make_unique<SimService>(config);
    ServerOptions options;
    options.threads = 8;
    server_ = std::make_unique<SimServer>(service_.get(), options);
    absl::StatusOr<int> port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status();
    server_->Start();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", *port);
    client_->set_keep_alive(true);
    client_->set_read_timeout(5, 0);
  }

  void TearDown() override {
    client_.reset();
    server_->Stop();
  }

  void AddFault(const std::string& json) {
    httplib::Result r = client_->Post("/_sim/faults", json, "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
  }

  std::unique_ptr<SimService> service_;
  std::unique_ptr<SimServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

constexpr char kTarget[] = "/v5/p/asset/ports?host_id=h1&limit=200&offset=50";

TEST_F(SimServerTest, ServesPagesOverKeepAlive) {
  const std::string expected =
      ListPortsJson(QueryPorts(HostKey{1, "h1", Category::kHost}, 300, {}, 50, 200));
  for (int i = 0; i < 50; ++i) {
    httplib::Result r = client_->Get(kTarget);
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, expected);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json;charset=UTF-8");
    EXPECT_EQ(r->get_header_value("X-Request-Id").size(), 32u);
  }
  // A POST with a body on the same connection does not disturb the next request.
  AddFault(R"({"match":{"host_id":"nobody"},"status":500})");
  httplib::Result r = client_->Get(kTarget);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, expected);
  EXPECT_EQ(service_->stats().by_status(200), 51u);
}

TEST_F(SimServerTest, DropAndResetGiveNoAnswer) {
  AddFault(R"([{"times":1,"drop_connection":true},{"times":1,"reset_connection":true}])");
  httplib::Result dropped = client_->Get(kTarget);
  EXPECT_FALSE(dropped);
  httplib::Result reset = client_->Get(kTarget);
  EXPECT_FALSE(reset);
  httplib::Result fine = client_->Get(kTarget);
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
  EXPECT_EQ(service_->stats().by_status(0), 2u);
}

TEST_F(SimServerTest, TruncatedBodyFailsTheRead) {
  AddFault(R"({"times":1,"truncate_body":true})");
  EXPECT_FALSE(client_->Get(kTarget));
  httplib::Result fine = client_->Get(kTarget);
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, 200);
}

TEST_F(SimServerTest, OversizedBodyIsChunked) {
  AddFault(R"({"times":1,"oversized_body_bytes":3000000})");
  httplib::Result r = client_->Get(kTarget);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), 3000000u);
  EXPECT_FALSE(r->has_header("Content-Length"));
  EXPECT_EQ(r->get_header_value("Transfer-Encoding"), "chunked");
}

TEST_F(SimServerTest, LatencyDelaysTheAnswer) {
  AddFault(R"({"times":1,"latency_ms":300})");
  const auto start = std::chrono::steady_clock::now();
  httplib::Result r = client_->Get(kTarget);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
}

TEST_F(SimServerTest, LibraryErrorsGetAnHssBodyAndRequestId) {
  httplib::Result r = client_->Get("/" + std::string(10000, 'a'));
  ASSERT_TRUE(r);
  EXPECT_GE(r->status, 400);
  EXPECT_EQ(r->get_header_value("X-Request-Id").size(), 32u);
  EXPECT_NE(r->body.find("error_code"), std::string::npos) << r->body;
}

TEST_F(SimServerTest, StopIsQuickWithIdleKeepAliveConnections) {
  ASSERT_TRUE(client_->Get("/healthz"));
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace hss::sim
