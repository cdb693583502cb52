// The drain after SIGTERM, in process: a real grpc::Server with the default
// health service and PortService over a FakeHssStub; the stop signals are a
// fake waiter the test steers.
#include "server/api/graceful_drain.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"

namespace hss::gateway {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// How long a test waits for an event that is due before it fails.
constexpr absl::Duration kPatience = absl::Seconds(10);

// The ErrorInfo of a failed call, decoded from grpc-status-details-bin.
std::optional<google::rpc::ErrorInfo> ErrorInfoOf(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) return info;
  }
  return std::nullopt;
}

// Stop signals as the test sends them: a wait returns true once Signal() was
// called (each signal is seen once), false when its timeout passes.
class FakeSignals {
 public:
  void Signal() {
    absl::MutexLock lock(&mu_);
    ++pending_;
  }
  bool Wait(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto has_signal = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pending_ > 0; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&has_signal), timeout)) return false;
    --pending_;
    return true;
  }

 private:
  absl::Mutex mu_;
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
};

class GracefulDrainTest : public testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    PortServiceOptions options;
    options.default_project_id = "proj-default";
    options.log_calls = false;
    auto connection = std::make_shared<PortsConnection>(hss_, /*prefetch_pages=*/2,
                                                        /*walk_attempts=*/1);
    service_ = std::make_unique<PortService>(std::move(options), std::move(connection));
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    server_->GetHealthCheckService()->SetServingStatus(true);
    client_ = NewClient();
  }

  void TearDown() override {
    if (drain_thread_.joinable()) {
      // Answer whatever still waits so that the drain can end.
      while (!drained_.WaitForNotificationWithTimeout(absl::Milliseconds(50))) {
        while (hss_->Answer(absl::CancelledError("aborted"))) {
        }
      }
      drain_thread_.join();
    }
    if (!drain_thread_.joinable() && outcome_ == DrainOutcome::kForced) {
      server_->Shutdown(std::chrono::system_clock::now());
      server_->Wait();
    }
    while (hss_->Answer(absl::CancelledError("aborted"))) {
    }
  }

  // A PortService stub on a new channel (a new connection).
  std::unique_ptr<hss::ports::v1::PortService::Stub> NewClient() const {
    return hss::ports::v1::PortService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
  }

  // Health.Check("") over a new connection.
  grpc::Status CheckHealth(HealthCheckResponse* response) const {
    auto health = grpc::health::v1::Health::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    return health->Check(&context, HealthCheckRequest(), response);
  }

  // Runs DrainServer on a thread of its own, as main() would after SIGTERM.
  void StartDrain(DrainOptions options) {
    drain_thread_ = std::thread([this, options] {
      outcome_ = DrainServer(*server_, *service_, options,
                             [this](absl::Duration timeout) { return signals_.Wait(timeout); });
      drained_.Notify();
    });
  }

  std::shared_ptr<FakeHssStub> hss_ = std::make_shared<FakeHssStub>();
  std::unique_ptr<PortService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::unique_ptr<hss::ports::v1::PortService::Stub> client_;
  FakeSignals signals_;
  std::thread drain_thread_;
  absl::Notification drained_;
  DrainOutcome outcome_ = DrainOutcome::kForced;
};

// Page `index` (10 ports, numbered from index * 10 + 1) of a host with `total` ports.
PortsPage PageAt(int index, int total) {
  PortsPage page = TestPage(10, total);
  for (int i = 0; i < 10; ++i) page.response.mutable_data_list(i)->set_port(index * 10 + i + 1);
  return page;
}

StreamPortsRequest StreamRequest() {
  StreamPortsRequest request;
  request.set_host_id("host-1");
  request.set_page_size(10);
  return request;
}

TEST_F(GracefulDrainTest, AStreamDeliversItsPagesThenEndsWithGatewayDrainingAndItsResumeOffset) {
  grpc::ClientContext context;
  auto reader = client_->StreamPorts(&context, StreamRequest());
  ASSERT_TRUE(hss_->AwaitPending(1));
  ASSERT_TRUE(hss_->Answer(PageAt(0, /*total=*/100)));
  StreamPortsResponse page;
  ASSERT_TRUE(reader->Read(&page));
  ASSERT_TRUE(hss_->AwaitPending(2));  // The two prefetches.

  DrainOptions options;
  options.prestop = absl::ZeroDuration();
  options.drain_timeout = absl::Seconds(1);
  const absl::Time start = absl::Now();
  StartDrain(options);
  // During the drain the stream goes on: the next page is delivered.
  ASSERT_TRUE(hss_->Answer(PageAt(1, 100)));
  ASSERT_TRUE(reader->Read(&page)) << reader->Finish().error_message();
  EXPECT_EQ(page.offset(), 10);
  // The page after it never comes; the drain deadline ends the stream.
  EXPECT_FALSE(reader->Read(&page));
  grpc::Status status = reader->Finish();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(900));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  ASSERT_TRUE(info.has_value()) << "no ErrorInfo in grpc-status-details-bin";
  EXPECT_EQ(info->reason(), "GATEWAY_DRAINING");
  EXPECT_EQ(info->metadata().at(std::string(kMetaResumeOffset)), "20");
  ASSERT_TRUE(drained_.WaitForNotificationWithTimeout(kPatience));
  EXPECT_EQ(outcome_, DrainOutcome::kDrained);
}

TEST_F(GracefulDrainTest, PrestopKeepsTheListenerOpenAnsweringNotServingAndServingCalls) {
  HealthCheckResponse health;
  ASSERT_TRUE(CheckHealth(&health).ok());
  EXPECT_EQ(health.status(), HealthCheckResponse::SERVING);

  DrainOptions options;
  options.prestop = absl::Seconds(3);
  options.drain_timeout = absl::Seconds(1);
  StartDrain(options);
  // At once, over a new connection: NOT_SERVING.
  grpc::Status status;
  for (int i = 0; i < 100; ++i) {
    status = CheckHealth(&health);
    if (status.ok() && health.status() == HealthCheckResponse::NOT_SERVING) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(health.status(), HealthCheckResponse::NOT_SERVING);
  // A new call during pre-stop is served.
  hss_->Script(TestPage(3, 3));
  auto late_client = NewClient();
  grpc::ClientContext context;
  ListPortsRequest request;
  request.set_host_id("host-1");
  ListPortsResponse response;
  status = late_client->ListPorts(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.data_list_size(), 3);
  EXPECT_FALSE(drained_.HasBeenNotified());
  ASSERT_TRUE(drained_.WaitForNotificationWithTimeout(kPatience));
  EXPECT_EQ(outcome_, DrainOutcome::kDrained);
}

TEST_F(GracefulDrainTest, AUnaryCallInFlightFinishesAndTheDrainEndsWithoutWaitingOut) {
  std::thread call([this] {
    grpc::ClientContext context;
    ListPortsRequest request;
    request.set_host_id("host-1");
    ListPortsResponse response;
    grpc::Status status = client_->ListPorts(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.data_list_size(), 5);
  });
  ASSERT_TRUE(hss_->AwaitPending(1));
  DrainOptions options;
  options.prestop = absl::ZeroDuration();
  options.drain_timeout = absl::Seconds(30);
  const absl::Time start = absl::Now();
  StartDrain(options);
  absl::SleepFor(absl::Milliseconds(100));
  ASSERT_TRUE(hss_->Answer(TestPage(5, 5)));
  call.join();
  ASSERT_TRUE(drained_.WaitForNotificationWithTimeout(kPatience));
  EXPECT_EQ(outcome_, DrainOutcome::kDrained);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(GracefulDrainTest, ASecondSignalDuringPrestopEndsTheStreamsAndForcesAnEnd) {
  grpc::ClientContext context;
  auto reader = client_->StreamPorts(&context, StreamRequest());
  ASSERT_TRUE(hss_->AwaitPending(1));
  DrainOptions options;
  options.prestop = absl::Seconds(60);
  StartDrain(options);
  signals_.Signal();
  ASSERT_TRUE(drained_.WaitForNotificationWithTimeout(kPatience));
  EXPECT_EQ(outcome_, DrainOutcome::kForced);
  StreamPortsResponse page;
  EXPECT_FALSE(reader->Read(&page));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "GATEWAY_DRAINING");
  EXPECT_EQ(info->metadata().at(std::string(kMetaResumeOffset)), "0");
}

}  // namespace
}  // namespace hss::gateway
