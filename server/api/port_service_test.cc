// PortService's reactors in process: a real grpc::Server on 127.0.0.1:0
// serving PortService over a real PortsConnection whose stub is a
// FakeHssStub, called through a real gRPC client stub.
#include "server/api/port_service.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "server/auth/token_credentials.h"
#include "server/runtime/status_details.h"
#include "server/testing/counting_metrics_recorder.h"
#include "server/testing/fake_hss_stub.h"
#include "server/testing/fake_http_transport.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// How long a test waits for an event before it fails: generous, since an
// event that is due arrives within milliseconds (also under TSan).
constexpr absl::Duration kPatience = absl::Seconds(10);

constexpr char kRegion[] = "cn-north-4";

// A valid ListPorts request with every field the upstream query carries.
ListPortsRequest FullListRequest() {
  ListPortsRequest request;
  request.set_project_id("proj-1");
  request.set_host_id("host-1");
  request.set_host_name("web-1");
  request.set_host_ip("192.168.0.10");
  request.set_port(22);
  request.set_type(hss::ports::v1::PROTOCOL_TCP);
  request.set_enterprise_project_id("ep-1");
  request.set_limit(50);
  request.set_offset(100);
  return request;
}

// A StreamPorts request for host-1 in pages of 10 ports.
StreamPortsRequest StreamRequest() {
  StreamPortsRequest request;
  request.set_host_id("host-1");
  request.set_page_size(10);
  return request;
}

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

// Waits until `cancellation` fires; false if it did not within kPatience.
bool AwaitCancelled(Cancellation& cancellation) {
  auto fired = std::make_shared<absl::Notification>();
  cancellation.OnCancel([fired] { fired->Notify(); });
  return fired->WaitForNotificationWithTimeout(kPatience);
}

// A blocking ListPorts call on a thread of its own, so that the test can act
// (answer the fakes, cancel) while it runs. A thread the test starts, not
// gRPC's callback client: TSan then sees the order of the test's own data.
class ListPortsCall {
 public:
  // Starts `request` on `client`; `deadline`, if set, is the call's deadline.
  ListPortsCall(hss::ports::v1::PortService::Stub& client, ListPortsRequest request,
                std::optional<absl::Duration> deadline = std::nullopt)
      : request_(std::move(request)) {
    if (deadline) context_.set_deadline(absl::ToChronoTime(absl::Now() + *deadline));
    thread_ = std::thread([this, &client] {
      status_ = client.ListPorts(&context_, request_, &response_);
      done_.Notify();
    });
  }
  ~ListPortsCall() {
    context_.TryCancel();
    thread_.join();
  }

  // Cancels the call as its client would.
  void Cancel() { context_.TryCancel(); }
  // Waits for the call's end; false if it did not end within kPatience.
  bool Await() { return done_.WaitForNotificationWithTimeout(kPatience); }
  // The call's outcome, after Await() returned true.
  const grpc::Status& status() const { return status_; }
  const ListPortsResponse& response() const { return response_; }

 private:
  const ListPortsRequest request_;
  grpc::ClientContext context_;
  grpc::Status status_;
  ListPortsResponse response_;
  absl::Notification done_;
  std::thread thread_;
};

class PortServiceTest : public testing::Test {
 protected:
  // Serves PortService over hss_; the gateway's default project is
  // "proj-default" unless `options` say otherwise.
  void StartServer(PortServiceOptions options) {
    options.log_calls = false;
    auto connection = std::make_shared<PortsConnection>(hss_, /*prefetch_pages=*/2,
                                                        /*walk_attempts=*/1);
    service_ = std::make_unique<PortService>(std::move(options), std::move(connection));
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    client_ = hss::ports::v1::PortService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
  void StartServer() {
    PortServiceOptions options;
    options.default_project_id = "proj-default";
    StartServer(std::move(options));
  }

  // Serves PortService without a default project: calls that name none wait
  // for the project resolver, whose IAM lookup waits in transport_.
  void StartServerWithResolver() {
    ProjectResolverOptions resolver_options;
    resolver_options.iam_endpoint = "https://iam.example.com";
    PortServiceOptions options;
    options.project_resolver =
        ProjectResolver::Create(std::move(resolver_options), transport_,
                                std::make_shared<StaticTokenCredentials>("gateway-token"));
    options.region = kRegion;
    options.gateway_identity = "token:gateway";
    StartServer(std::move(options));
  }

  // Shuts the server down as main() does (Shutdown with a deadline, then Wait)
  // and returns whether that ended within kPatience. It does not when a
  // reactor never finishes; TearDown then releases it.
  bool ShutdownPromptly() {
    shutdown_thread_ = std::thread([this] {
      server_->Shutdown(std::chrono::system_clock::now());
      server_->Wait();
      shut_down_.Notify();
    });
    return shut_down_.WaitForNotificationWithTimeout(kPatience);
  }

  void TearDown() override {
    if (server_ == nullptr) return;
    if (!shutdown_thread_.joinable()) ShutdownPromptly();
    // A hung shutdown waits for a reactor that waits for a fake: answer them.
    while (!shut_down_.WaitForNotificationWithTimeout(absl::Milliseconds(50))) AnswerFakes();
    shutdown_thread_.join();
    // Answers arriving after their call ended must be harmless.
    AnswerFakes();
    service_.reset();
  }

  // Answers everything the fakes hold, as a stopping transport does.
  void AnswerFakes() {
    while (hss_->Answer(absl::CancelledError("aborted"))) {
    }
    transport_->FailAll();
  }

  std::shared_ptr<FakeHssStub> hss_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<FakeHttpTransport> transport_ = std::make_shared<FakeHttpTransport>();
  std::unique_ptr<PortService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<hss::ports::v1::PortService::Stub> client_;
  std::thread shutdown_thread_;
  absl::Notification shut_down_;
};

TEST_F(PortServiceTest, ListPortsAnswersWithTheUpstreamPageOfTheValidatedRequest) {
  StartServer();
  PortsPage page = TestPage(3, /*total=*/42);
  hss_->Script(page);  // Answered inside the handler: Finish before the reactor is bound.

  grpc::ClientContext context;
  context.AddMetadata("x-auth-token", "caller-token");
  ListPortsResponse response;
  const ListPortsRequest request = FullListRequest();
  grpc::Status status = client_->ListPorts(&context, request, &response);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.SerializeAsString(), page.response.SerializeAsString());
  ASSERT_EQ(hss_->calls(), 1);
  EXPECT_EQ(hss_->request(0).SerializeAsString(), request.SerializeAsString());
  EXPECT_EQ(hss_->project_id(0), "proj-1");
  EXPECT_EQ(hss_->context(0).passthrough_token, "caller-token");
  EXPECT_EQ(hss_->context(0).upstream_identity.rfind("token:", 0), 0u);
  EXPECT_TRUE(ShutdownPromptly());
}

TEST_F(PortServiceTest, ListPortsAnswersFromAnUpstreamPageThatArrivesLater) {
  StartServer();
  ListPortsRequest request = FullListRequest();
  request.clear_project_id();
  ListPortsCall call(*client_, request);
  ASSERT_TRUE(hss_->AwaitPending(1));
  EXPECT_EQ(hss_->project_id(0), "proj-default");
  ASSERT_TRUE(hss_->Answer(TestPage(2)));
  ASSERT_TRUE(call.Await());
  ASSERT_TRUE(call.status().ok()) << call.status().error_message();
  EXPECT_EQ(call.response().data_list_size(), 2);
  EXPECT_TRUE(ShutdownPromptly());
}

TEST_F(PortServiceTest, ARetryableErrorCarriesGrpcRetryPushbackMsNextToRetryInfo) {
  StartServer();
  hss_->Script(Throttled("2"));
  grpc::ClientContext context;
  ListPortsResponse response;
  grpc::Status status = client_->ListPorts(&context, FullListRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("grpc-retry-pushback-ms");
  ASSERT_NE(it, trailers.end()) << "no grpc-retry-pushback-ms trailer";
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "2000");

  // An error without a RetryInfo has none.
  hss_->Script(HttpError(400));
  grpc::ClientContext bad_context;
  status = client_->ListPorts(&bad_context, FullListRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad_context.GetServerTrailingMetadata().count("grpc-retry-pushback-ms"), 0u);

  // StreamPorts too.
  hss_->Script(Throttled("3"));
  grpc::ClientContext stream_context;
  auto reader = client_->StreamPorts(&stream_context, StreamRequest());
  StreamPortsResponse page;
  while (reader->Read(&page)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  it = stream_context.GetServerTrailingMetadata().find("grpc-retry-pushback-ms");
  ASSERT_NE(it, stream_context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "3000");
  EXPECT_TRUE(ShutdownPromptly());
}

TEST_F(PortServiceTest, ListPortsDeadlineBeforeTheUpstreamAnswersEndsTheCallAtOnce) {
  StartServer();
  ListPortsCall call(*client_, FullListRequest(), absl::Milliseconds(50));
  ASSERT_TRUE(hss_->AwaitPending(1));  // The fake holds the page and never answers.
  ASSERT_TRUE(call.Await());
  EXPECT_EQ(call.status().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(AwaitCancelled(*hss_->context(0).cancellation));

  // The reactor finished without the upstream's answer...
  EXPECT_TRUE(ShutdownPromptly());
  EXPECT_EQ(hss_->pending(), 1u);
  // ...and the answer arriving after the call ended is dropped.
  EXPECT_TRUE(hss_->Answer(TestPage(2)));
}

TEST_F(PortServiceTest, StreamPortsClientCancelAfterTheFirstPageCancelsTheWalk) {
  StartServer();
  grpc::ClientContext context;
  auto reader = client_->StreamPorts(&context, StreamRequest());
  ASSERT_TRUE(hss_->AwaitPending(1));
  ASSERT_TRUE(hss_->Answer(TestPage(10, /*total=*/100)));
  StreamPortsResponse page;
  ASSERT_TRUE(reader->Read(&page));
  EXPECT_EQ(page.ports_size(), 10);
  // The walk prefetches the next two pages; the caller goes away meanwhile.
  ASSERT_TRUE(hss_->AwaitPending(2));
  context.TryCancel();
  while (reader->Read(&page)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // Both fetches in flight are cancelled, and the reactor does not wait for them.
  EXPECT_TRUE(AwaitCancelled(*hss_->context(1).cancellation));
  EXPECT_TRUE(AwaitCancelled(*hss_->context(2).cancellation));
  EXPECT_TRUE(ShutdownPromptly());
  // Their late answers start nothing more.
  EXPECT_TRUE(hss_->Answer(TestPage(10, 100)));
  EXPECT_TRUE(hss_->Answer(TestPage(10, 100)));
  EXPECT_EQ(hss_->calls(), 3);
  EXPECT_EQ(hss_->pending(), 0u);
}

TEST_F(PortServiceTest, StreamPortsEndsWithTheWalkErrorAndItsResumeOffsetAfterThePages) {
  StartServer();
  hss_->Script(TestPage(10, /*total=*/30));
  hss_->Script(HttpError(503));
  hss_->Script(TestPage(10, 30));
  grpc::ClientContext context;
  auto reader = client_->StreamPorts(&context, StreamRequest());
  int pages = 0;
  StreamPortsResponse page;
  while (reader->Read(&page)) ++pages;
  grpc::Status status = reader->Finish();

  EXPECT_EQ(pages, 1);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(status);
  ASSERT_TRUE(info.has_value()) << "no ErrorInfo in grpc-status-details-bin";
  EXPECT_EQ(info->reason(), "UPSTREAM_UNAVAILABLE");
  EXPECT_EQ(info->metadata().at(std::string(kMetaResumeOffset)), "10");
  EXPECT_EQ(info->metadata().at(std::string(kMetaHttpStatus)), "503");
  EXPECT_TRUE(ShutdownPromptly());
}

TEST_F(PortServiceTest, RecordsStartedHandledAndSentMessagesOfEachCall) {
  auto metrics = std::make_shared<CountingMetricsRecorder>();
  ScopedMetricsRecorder scoped(metrics);
  StartServer();
  hss_->Script(TestPage(3));
  {
    grpc::ClientContext context;
    ListPortsResponse response;
    ASSERT_TRUE(client_->ListPorts(&context, FullListRequest(), &response).ok());
  }
  {
    grpc::ClientContext context;
    ListPortsRequest request = FullListRequest();
    request.clear_host_id();
    ListPortsResponse response;
    ASSERT_EQ(client_->ListPorts(&context, request, &response).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  hss_->Script(TestPage(10, /*total=*/13));
  hss_->Script(TestPage(3, /*total=*/13));
  {
    grpc::ClientContext context;
    auto reader = client_->StreamPorts(&context, StreamRequest());
    StreamPortsResponse page;
    while (reader->Read(&page)) {
    }
    ASSERT_TRUE(reader->Finish().ok());
  }
  EXPECT_TRUE(ShutdownPromptly());

  EXPECT_EQ(metrics->started(),
            (std::vector<RpcMethod>{RpcMethod::kListPorts, RpcMethod::kListPorts,
                                    RpcMethod::kStreamPorts}));
  const auto handled = metrics->handled();
  ASSERT_EQ(handled.size(), 3u);
  EXPECT_EQ(handled[0].method, RpcMethod::kListPorts);
  EXPECT_EQ(handled[0].grpc_code, grpc::StatusCode::OK);
  EXPECT_EQ(handled[1].grpc_code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(handled[2].method, RpcMethod::kStreamPorts);
  EXPECT_EQ(handled[2].grpc_code, grpc::StatusCode::OK);
  EXPECT_EQ(metrics->sent(), (std::vector<RpcMethod>{RpcMethod::kListPorts, RpcMethod::kStreamPorts,
                                                     RpcMethod::kStreamPorts}));
  EXPECT_EQ(metrics->stream_pages(), (std::vector<int>{10, 3}));
}

TEST_F(PortServiceTest, ListPortsCancelledWhileTheProjectIsResolvedEndsAtOnce) {
  StartServerWithResolver();
  ListPortsRequest request = FullListRequest();
  request.clear_project_id();
  ListPortsCall call(*client_, request);
  ASSERT_TRUE(transport_->AwaitPending(1));  // IAM holds the project lookup.
  call.Cancel();
  ASSERT_TRUE(call.Await());
  EXPECT_EQ(call.status().error_code(), grpc::StatusCode::CANCELLED);

  EXPECT_TRUE(ShutdownPromptly());
  EXPECT_EQ(transport_->pending(), 1u);  // Ended without IAM's answer.
  // The lookup's late answer reaches a waiter whose call is gone: nothing is fetched.
  transport_->Answer(MakeHttpResponse(200, R"({"projects":[{"id":"p1","name":"cn-north-4"}]})"));
  EXPECT_EQ(hss_->calls(), 0);
}

TEST_F(PortServiceTest, StreamPortsCancelledWhileTheProjectIsResolvedEndsAtOnce) {
  StartServerWithResolver();
  grpc::ClientContext context;
  auto reader = client_->StreamPorts(&context, StreamRequest());
  ASSERT_TRUE(transport_->AwaitPending(1));  // IAM holds the project lookup.
  context.TryCancel();
  StreamPortsResponse page;
  EXPECT_FALSE(reader->Read(&page));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  EXPECT_TRUE(ShutdownPromptly());
  EXPECT_EQ(transport_->pending(), 1u);  // Ended without IAM's answer.
  transport_->Answer(MakeHttpResponse(200, R"({"projects":[{"id":"p1","name":"cn-north-4"}]})"));
  EXPECT_EQ(hss_->calls(), 0);
}

// --authz_policy_file: a caller the policy does not allow gets PERMISSION_DENIED
// CALLER_NOT_AUTHORIZED naming it and the project, and HSS is never asked.
class PortServiceAuthzTest : public PortServiceTest {
 protected:
  void SetUp() override {
    char path[] = "/tmp/hss-api-authz-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string policy =
        R"({"rules": [{"callers": ["spiffe://t/alice"], "methods": ["ListPorts"],
                       "projects": ["proj-1"]}]})";
    ASSERT_EQ(write(fd, policy.data(), policy.size()), static_cast<ssize_t>(policy.size()));
    close(fd);
    path_ = path;
    auto watcher = PolicyWatcher::Start(path_, absl::Seconds(5), scheduler_);
    ASSERT_TRUE(watcher.ok()) << watcher.status();
    PortServiceOptions options;
    options.default_project_id = "proj-default";
    options.authz = *std::move(watcher);
    options.authz_trusted_identity_header = "x-caller";
    StartServer(std::move(options));
  }
  void TearDown() override {
    PortServiceTest::TearDown();
    std::remove(path_.c_str());
  }

  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  std::string path_;
};

TEST_F(PortServiceAuthzTest, DeniesWhatNoRuleAllowsWithoutCallingHss) {
  struct Row {
    const char* caller;  // nullptr: no header.
    const char* project;
  };
  for (const Row& row : std::vector<Row>{
           {"spiffe://t/bob", "proj-1"}, {"spiffe://t/alice", "proj-2"}, {nullptr, "proj-1"}}) {
    grpc::ClientContext context;
    if (row.caller != nullptr) context.AddMetadata("x-caller", row.caller);
    ListPortsRequest request = FullListRequest();
    request.set_project_id(row.project);
    ListPortsResponse response;
    grpc::Status status = client_->ListPorts(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
    auto info = ErrorInfoOf(status);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), "CALLER_NOT_AUTHORIZED");
    EXPECT_EQ(info->metadata().at("callerIdentity"),
              row.caller != nullptr ? row.caller : "anonymous");
    EXPECT_EQ(info->metadata().at("projectId"), row.project);
  }
  // StreamPorts is not in alice's rule.
  grpc::ClientContext context;
  context.AddMetadata("x-caller", "spiffe://t/alice");
  StreamPortsRequest stream_request = StreamRequest();
  stream_request.set_project_id("proj-1");
  auto reader = client_->StreamPorts(&context, stream_request);
  StreamPortsResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(hss_->calls(), 0);
}

TEST_F(PortServiceAuthzTest, AllowsWhatARuleAllows) {
  hss_->Script(TestPage(3, /*total=*/3));
  grpc::ClientContext context;
  context.AddMetadata("x-caller", "spiffe://t/alice");
  ListPortsResponse response;
  grpc::Status status = client_->ListPorts(&context, FullListRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(hss_->calls(), 1);
}

}  // namespace
}  // namespace hss::gateway
