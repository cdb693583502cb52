// End-to-end mesh-ready connection settings: connection age (GOAWAY, the
// client reconnects, a call in flight completes), the receive size limit,
// and gRPC's retry pushback followed by a client with the published service
// config (client/service_config.json).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// The README's recommended client service config.
std::string PublishedServiceConfig() {
  std::ifstream in(HSS_CLIENT_SERVICE_CONFIG);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ListPortsRequest ListRequest(const std::string& host_id) {
  ListPortsRequest request;
  request.set_host_id(host_id);
  request.set_limit(10);
  return request;
}

TEST(MeshE2E, MaxConnectionAgeMakesTheClientReconnectWhileACallInFlightCompletes) {
  auto env = GatewayEnv::Start(
      {.sim_args = {"--hosts=aged:200,other:5"},
       .gateway_args = {"--max_connection_age=1s", "--max_connection_age_grace=60s"}});
  ASSERT_TRUE(env.ok()) << env.status();
  GatewayEnv& e = **env;
  // 20 pages, each 300 ms late (two in flight): the walk, about 3 s, outlives
  // the connection's age.
  e.AddFault(R"({"match": {"host_id": "aged"}, "latency_ms": 300})");
  auto channel = grpc::CreateChannel(e.gateway_target(), grpc::InsecureChannelCredentials());
  auto stub = hss::ports::v1::PortService::NewStub(channel);
  {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    ListPortsResponse response;
    ASSERT_TRUE(stub->ListPorts(&context, ListRequest("other"), &response).ok());
  }
  ASSERT_EQ(channel->GetState(false), GRPC_CHANNEL_READY);

  grpc::ClientContext stream_context;
  GatewayEnv::Prepare(stream_context, absl::Seconds(60));
  StreamPortsRequest walk;
  walk.set_host_id("aged");
  walk.set_page_size(10);
  auto reader = stub->StreamPorts(&stream_context, walk);
  // The GOAWAY (at 1 s, ±10 % jitter) takes the channel out of READY while
  // the walk still runs on the old connection: seen between two of its pages.
  bool left_ready = false;
  StreamPortsResponse page;
  int ports = 0;
  while (reader->Read(&page)) {
    ports += page.ports_size();
    if (channel->GetState(false) != GRPC_CHANNEL_READY) left_ready = true;
  }
  EXPECT_TRUE(left_ready) << "the channel stayed READY during the walk: no GOAWAY after "
                          << "--max_connection_age";
  const grpc::Status status = reader->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(ports, 200);

  // A new call reconnects.
  grpc::ClientContext again;
  GatewayEnv::Prepare(again);
  ListPortsResponse response;
  grpc::Status again_status = stub->ListPorts(&again, ListRequest("other"), &response);
  EXPECT_TRUE(again_status.ok()) << again_status.error_message();
  EXPECT_EQ(response.data_list_size(), 5);
}

TEST(MeshE2E, AnOversizedRequestIsRefusedWithResourceExhausted) {
  auto env = GatewayEnv::Start({.gateway_args = {"--max_receive_message_bytes=1024"}});
  ASSERT_TRUE(env.ok()) << env.status();
  auto stub = (*env)->NewStub();
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  ListPortsResponse response;
  const grpc::Status status =
      stub->ListPorts(&context, ListRequest(std::string(2000, 'h')), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  // A request within the limit is served.
  grpc::ClientContext small;
  GatewayEnv::Prepare(small);
  EXPECT_TRUE(stub->ListPorts(&small, ListRequest("small-host"), &response).ok());
  EXPECT_TRUE((*env)->SimRequests().size() == 1u);
}

// A ListPorts through a channel with the published service config; returns
// how long it took.
absl::Duration TimedListPorts(GatewayEnv& env, const std::string& host_id, grpc::Status* status) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(PublishedServiceConfig());
  auto stub = env.NewStub(args);
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  ListPortsResponse response;
  const absl::Time start = absl::Now();
  *status = stub->ListPorts(&context, ListRequest(host_id), &response);
  return absl::Now() - start;
}

TEST(MeshE2E, AClientWithThePublishedServiceConfigWaitsTheRetryPushbackBeforeItRetries) {
  // The gateway does not retry (so the client does), and says when to retry.
  auto env = GatewayEnv::Start({.gateway_args = {"--retry_max_attempts=1"}});
  ASSERT_TRUE(env.ok()) << env.status();
  GatewayEnv& e = **env;
  ASSERT_FALSE(PublishedServiceConfig().empty()) << HSS_CLIENT_SERVICE_CONFIG;

  // HSS answers 503 with Retry-After: 1 once: RetryInfo 1 s and grpc-retry-pushback-ms 1000.
  e.AddFault(
      R"({"match": {"host_id": "pushed-back"}, "times": 1, "status": 503, "retry_after": "1"})");
  grpc::Status status;
  const absl::Duration pushed_back = TimedListPorts(e, "pushed-back", &status);
  EXPECT_TRUE(status.ok()) << "the client did not retry: " << status.error_message();
  EXPECT_GE(pushed_back, absl::Milliseconds(950));
  // Without a Retry-After the client's own backoff (0.2 s ± 20 %) applies.
  e.AddFault(R"({"match": {"host_id": "backed-off"}, "times": 1, "status": 503})");
  const absl::Duration backed_off = TimedListPorts(e, "backed-off", &status);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_LT(backed_off, absl::Milliseconds(900));
  std::printf("retry after a 1 s pushback: %s; with the client's own backoff: %s\n",
              absl::FormatDuration(pushed_back).c_str(), absl::FormatDuration(backed_off).c_str());
  int attempts = 0;
  for (const auto& request : e.SimRequests()) {
    if (request.query.count("host_id") && request.query.at("host_id") == "pushed-back") ++attempts;
  }
  EXPECT_EQ(attempts, 2);
}

}  // namespace
}  // namespace hss::testing
