// End-to-end: hostile and careless clients. Thousands of idle connections,
// thousands of concurrent streams, streams nobody reads, floods of calls that
// cancel at once or carry 1 ms deadlines, metadata near and over the limit,
// string fields at and past their maximum. Each ends with a clear status, the
// gateway's memory stays bounded, it does not crash, and it still serves a
// normal call afterwards. Every loop is bounded in count and time.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::PortService;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// The gateway's memory bound after each test (the Kubernetes manifest allows
// 512 MiB); sanitizer builds keep shadow memory and quarantines on top.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr long kRssLimitMib = 4096;
#else
constexpr long kRssLimitMib = 512;
#endif

// Resident memory of `pid` in MiB (VmRSS), or -1.
long RssMib(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    long kib = 0;
    std::string digits = line.substr(6);
    absl::StripAsciiWhitespace(&digits);
    if (absl::SimpleAtoi(digits.substr(0, digits.find(' ')), &kib)) return kib / 1024;
  }
  return -1;
}

// Open file descriptors of `pid`.
int OpenFds(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(absl::StrCat("/proc/", pid, "/fd"), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

// A call starts on the test's thread and its reactions run on gRPC's threads;
// Debian's gRPC is not built with ThreadSanitizer, so TSan cannot see that the
// start comes first and reports the call's own state (its mutex, built on the
// test's thread) as racing. The test's thread passes this lock after building a
// call and before starting it, and each reaction passes it first.
ABSL_CONST_INIT absl::Mutex handoff_mu(absl::kConstInit);
void PassHandoff() { absl::MutexLock lock(&handoff_mu); }

// A StreamPorts call on the callback API that reads every page (or none).
class StreamCall : public grpc::ClientReadReactor<StreamPortsResponse> {
 public:
  StreamCall(PortService::Stub* stub, StreamPortsRequest request, bool read, absl::Duration timeout)
      : request_(std::move(request)) {
    GatewayEnv::Prepare(context_, timeout);
    stub->async()->StreamPorts(&context_, &request_, this);
    if (read) StartRead(&page_);
    PassHandoff();
    StartCall();
  }
  void OnReadDone(bool ok) override {
    PassHandoff();
    if (!ok) return;
    ports_ += page_.ports_size();
    StartRead(&page_);
  }
  void OnDone(const grpc::Status& status) override {
    PassHandoff();
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }
  void Cancel() { context_.TryCancel(); }
  // Waits for the end of the call; false if it did not end within `timeout`.
  bool Await(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&done_), timeout);
  }
  grpc::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }
  long ports() const { return ports_; }

 private:
  StreamPortsRequest request_;
  grpc::ClientContext context_;
  StreamPortsResponse page_;
  long ports_ = 0;  // Touched only by reactions, read after OnDone.
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

// A ListPorts call on the callback API.
struct UnaryCall {
  grpc::ClientContext context;
  ListPortsRequest request;
  ListPortsResponse response;
  absl::Mutex mu;
  bool done ABSL_GUARDED_BY(mu) = false;
  grpc::Status status ABSL_GUARDED_BY(mu);
};

class HostileClientsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = GatewayEnv::Start(
        {.sim_args = {"--hosts=small:400,big:100000"},
         .gateway_args = {"--retry_max_attempts=1", "--breaker_failure_threshold=0"}});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(env_, nullptr); }
  // After each test: the gateway answers a normal call, and its memory is bounded.
  void TearDown() override {
    if (env_ == nullptr) return;
    ExpectNormalCallWorks();
    const long rss = RssMib(env_->gateway().pid());
    std::cout << "gateway RSS after the test: " << rss << " MiB\n";
    EXPECT_LT(rss, kRssLimitMib) << "MiB";
  }

  static void ExpectNormalCallWorks() {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    ListPortsRequest request;
    request.set_host_id("small");
    request.set_limit(10);
    ListPortsResponse response;
    const grpc::Status status = env_->NewStub()->ListPorts(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.total_num(), 400);
  }

  static StreamPortsRequest Walk(const std::string& host) {
    StreamPortsRequest request;
    request.set_host_id(host);
    return request;
  }

  static GatewayEnv* env_;
};

GatewayEnv* HostileClientsE2E::env_ = nullptr;

TEST_F(HostileClientsE2E, FiveThousandIdleConnections) {
  constexpr int kConnections = 5000;
  const pid_t gateway = env_->gateway().pid();
  const int fds_before = OpenFds(gateway);
  {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    channels.reserve(kConnections);
    for (int i = 0; i < kConnections; ++i) {
      grpc::ChannelArguments args;
      // A channel of its own: one TCP connection per channel.
      args.SetInt("grpc.use_local_subchannel_pool", 1);
      args.SetInt("hss.test.connection", i);
      channels.push_back(grpc::CreateCustomChannel(env_->gateway_target(),
                                                   grpc::InsecureChannelCredentials(), args));
    }
    int connected = 0;
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    for (auto& channel : channels) {
      if (channel->WaitForConnected(absl::ToChronoTime(std::max(give_up, absl::Now())))) {
        ++connected;
      }
    }
    EXPECT_EQ(connected, kConnections);
    EXPECT_GE(OpenFds(gateway), fds_before + kConnections * 9 / 10);
    // Served while every connection is open.
    ExpectNormalCallWorks();
    std::cout << "gateway with " << connected << " idle connections: " << RssMib(gateway)
              << " MiB RSS, " << OpenFds(gateway) << " fds\n";
  }
  // The connections close; the gateway lets go of them.
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (OpenFds(gateway) > fds_before + 50 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_LE(OpenFds(gateway), fds_before + 50);
}

TEST_F(HostileClientsE2E, TwoThousandConcurrentStreams) {
  constexpr int kStreams = 2000;
  // gRPC allows --max_concurrent_streams (1000) per connection: spread them.
  std::vector<std::unique_ptr<PortService::Stub>> stubs;
  for (int i = 0; i < 4; ++i) stubs.push_back(env_->NewStub());
  std::vector<std::unique_ptr<StreamCall>> calls;
  for (int i = 0; i < kStreams; ++i) {
    calls.push_back(std::make_unique<StreamCall>(stubs[i % stubs.size()].get(), Walk("small"),
                                                 /*read=*/true, absl::Seconds(120)));
  }
  int ok = 0;
  for (auto& call : calls) {
    ASSERT_TRUE(call->Await(absl::Seconds(150)));
    const grpc::Status status = call->status();
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (status.ok()) {
      EXPECT_EQ(call->ports(), 400);
      ++ok;
    }
  }
  EXPECT_EQ(ok, kStreams);
}

TEST_F(HostileClientsE2E, StreamsNobodyReadsStayBounded) {
  constexpr int kStreams = 50;
  env_->ClearSimRequests();
  auto stub = env_->NewStub();
  std::vector<std::unique_ptr<StreamCall>> calls;
  for (int i = 0; i < kStreams; ++i) {
    calls.push_back(
        std::make_unique<StreamCall>(stub.get(), Walk("big"), /*read=*/false, absl::Seconds(60)));
  }
  absl::SleepFor(absl::Seconds(3));
  // Back-pressure: each stream fetched only its window ahead, not the 500 pages of the host.
  const size_t requests = env_->SimRequests().size();
  std::cout << kStreams << " unread streams of a 100,000-port host: " << requests
            << " upstream requests, gateway RSS " << RssMib(env_->gateway().pid()) << " MiB\n";
  EXPECT_LE(requests, static_cast<size_t>(kStreams * 20));
  for (auto& call : calls) call->Cancel();
  for (auto& call : calls) {
    ASSERT_TRUE(call->Await(absl::Seconds(30)));
    EXPECT_EQ(call->status().error_code(), grpc::CANCELLED) << call->status().error_message();
  }
}

TEST_F(HostileClientsE2E, FloodOfCallsThatCancelAtOnce) {
  constexpr int kCalls = 1000;
  auto stub = env_->NewStub();
  std::vector<std::unique_ptr<StreamCall>> streams;
  std::vector<std::unique_ptr<UnaryCall>> unary;
  for (int i = 0; i < kCalls; ++i) {
    if (i % 2 == 0) {
      streams.push_back(
          std::make_unique<StreamCall>(stub.get(), Walk("big"), /*read=*/true, absl::Seconds(60)));
      streams.back()->Cancel();
    } else {
      auto call = std::make_unique<UnaryCall>();
      GatewayEnv::Prepare(call->context, absl::Seconds(60));
      call->request.set_host_id("big");
      UnaryCall* raw = call.get();
      PassHandoff();
      stub->async()->ListPorts(&raw->context, &raw->request, &raw->response,
                               [raw](grpc::Status status) {
                                 PassHandoff();
                                 absl::MutexLock lock(&raw->mu);
                                 raw->status = std::move(status);
                                 raw->done = true;
                               });
      raw->context.TryCancel();
      unary.push_back(std::move(call));
    }
  }
  for (auto& call : streams) {
    ASSERT_TRUE(call->Await(absl::Seconds(60)));
    const auto code = call->status().error_code();
    EXPECT_TRUE(code == grpc::CANCELLED || code == grpc::OK) << call->status().error_message();
  }
  for (auto& call : unary) {
    absl::MutexLock lock(&call->mu);
    ASSERT_TRUE(call->mu.AwaitWithTimeout(absl::Condition(&call->done), absl::Seconds(60)));
    const auto code = call->status.error_code();
    EXPECT_TRUE(code == grpc::CANCELLED || code == grpc::OK) << call->status.error_message();
  }
}

TEST_F(HostileClientsE2E, OneMillisecondDeadlines) {
  constexpr int kCalls = 500;
  auto stub = env_->NewStub();
  int exceeded = 0;
  for (int i = 0; i < kCalls; ++i) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, absl::Milliseconds(1));
    if (i % 2 == 0) {
      ListPortsRequest request;
      request.set_host_id("big");
      ListPortsResponse response;
      const grpc::Status status = stub->ListPorts(&context, request, &response);
      EXPECT_TRUE(status.ok() || status.error_code() == grpc::DEADLINE_EXCEEDED)
          << status.error_code() << " " << status.error_message();
      exceeded += status.error_code() == grpc::DEADLINE_EXCEEDED;
    } else {
      auto reader = stub->StreamPorts(&context, Walk("big"));
      StreamPortsResponse page;
      while (reader->Read(&page)) {
      }
      const grpc::Status status = reader->Finish();
      EXPECT_EQ(status.error_code(), grpc::DEADLINE_EXCEEDED) << status.error_message();
      exceeded += status.error_code() == grpc::DEADLINE_EXCEEDED;
    }
  }
  EXPECT_GE(exceeded, kCalls / 2);
}

TEST_F(HostileClientsE2E, MetadataNearAndOverTheSizeLimit) {
  auto stub = env_->NewStub();
  {
    // 6 KiB of custom metadata fits in gRPC's default 8 KiB header list.
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    context.AddMetadata("x-padding", std::string(6 * 1024, 'a'));
    ListPortsRequest request;
    request.set_host_id("small");
    ListPortsResponse response;
    const grpc::Status status = stub->ListPorts(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  for (const size_t bytes : {size_t{16} * 1024, size_t{256} * 1024}) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    context.AddMetadata("x-padding", std::string(bytes, 'a'));
    ListPortsRequest request;
    request.set_host_id("small");
    ListPortsResponse response;
    const grpc::Status status = stub->ListPorts(&context, request, &response);
    EXPECT_FALSE(status.ok()) << bytes << " bytes of metadata were accepted";
    EXPECT_NE(status.error_code(), grpc::UNKNOWN) << status.error_message();
  }
}

TEST_F(HostileClientsE2E, StringFieldsAtTheirMaximumAndJustPast) {
  struct Field {
    const char* name;
    size_t max;
    void (*set)(ListPortsRequest&, std::string);
  };
  const std::vector<Field> fields = {
      {"project_id", 64, [](ListPortsRequest& r, std::string v) { r.set_project_id(v); }},
      {"host_id", 128, [](ListPortsRequest& r, std::string v) { r.set_host_id(v); }},
      {"host_name", 128, [](ListPortsRequest& r, std::string v) { r.set_host_name(v); }},
      {"host_ip", 128, [](ListPortsRequest& r, std::string v) { r.set_host_ip(v); }},
      {"enterprise_project_id", 256,
       [](ListPortsRequest& r, std::string v) { r.set_enterprise_project_id(v); }},
  };
  auto stub = env_->NewStub();
  for (const Field& field : fields) {
    SCOPED_TRACE(field.name);
    for (const size_t length : {field.max, field.max + 1}) {
      ListPortsRequest request;
      request.set_host_id("small");
      // Multi-byte characters: the limits count characters, not bytes.
      std::string value;
      for (size_t i = 0; i < length; ++i) value += i % 2 ? "é" : "a";
      field.set(request, value);
      grpc::ClientContext context;
      GatewayEnv::Prepare(context);
      ListPortsResponse response;
      const grpc::Status status = stub->ListPorts(&context, request, &response);
      const DecodedError details = Decode(status);
      const bool refused_by_gateway = status.error_code() == grpc::INVALID_ARGUMENT &&
                                      details.error_info &&
                                      details.error_info->reason() == "INVALID_REQUEST";
      if (length == field.max) {
        EXPECT_FALSE(refused_by_gateway) << length << " characters: " << status.error_message();
      } else {
        ASSERT_TRUE(refused_by_gateway) << length << " characters: " << status.error_message();
        ASSERT_TRUE(details.bad_request.has_value());
        ASSERT_EQ(details.bad_request->field_violations_size(), 1);
        EXPECT_EQ(details.bad_request->field_violations(0).field(), field.name);
      }
    }
  }
}

// Raw request bytes to a server-streaming method, read to the end (the bidi
// callback API of the generic stub: one message written, then WritesDone).
class RawStreamCall : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawStreamCall(grpc::GenericStub& stub, const std::string& method, const std::string& bytes) {
    GatewayEnv::Prepare(context_);
    grpc::Slice slice(bytes);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    StartWrite(&request_);
    StartWritesDone();
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (ok) StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }
  grpc::Status Await() {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&done_), absl::Seconds(20));
    return status_;
  }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_, response_;
  absl::Mutex mu_;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
};

grpc::Status RawUnaryCall(grpc::GenericStub& stub, const std::string& method,
                          const std::string& bytes) {
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1), response;
  absl::Mutex mu;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) {
                   absl::MutexLock lock(&mu);
                   result = std::move(status);
                   done = true;
                 });
  absl::MutexLock lock(&mu);
  mu.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(20));
  return result;
}

TEST_F(HostileClientsE2E, RequestsThatDoNotParseGetInvalidArgumentNamingTheProblem) {
  struct Bad {
    const char* name;
    std::string bytes;
    const char* field;
    const char* says;
  };
  const std::vector<Bad> bad = {
      // host_id (field 2) = "ok\xff".
      {"invalid UTF-8", std::string("\x12\x03ok\xff", 5), "host_id", "not valid UTF-8"},
      // host_id announces 5 bytes, 2 follow.
      {"cut short",
       std::string("\x12\x05"
                   "ab",
                   4),
       "host_id", "the message ends first"},
      // host_id sent as a 32-bit value.
      {"wrong wire type", std::string("\x15\x01\x02\x03\x04", 5), "host_id", "wire type"},
  };
  grpc::GenericStub stub(
      grpc::CreateChannel(env_->gateway_target(), grpc::InsecureChannelCredentials()));
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    for (const std::string method :
         {"/hss.ports.v1.PortService/ListPorts", "/hss.ports.v1.PortService/StreamPorts",
          "/hss.ports.v1.PortService/WatchPorts"}) {
      SCOPED_TRACE(method);
      grpc::Status status;
      if (absl::EndsWith(method, "ListPorts")) {
        status = RawUnaryCall(stub, method, b.bytes);
      } else {
        RawStreamCall call(stub, method, b.bytes);
        status = call.Await();
      }
      EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << status.error_message();
      EXPECT_TRUE(absl::StrContains(status.error_message(), b.says)) << status.error_message();
      const DecodedError details = Decode(status);
      ASSERT_TRUE(details.bad_request.has_value()) << status.error_message();
      ASSERT_EQ(details.bad_request->field_violations_size(), 1);
      EXPECT_EQ(details.bad_request->field_violations(0).field(), b.field);
    }
  }
  // Each refusal is one call log line naming its method (the log is written
  // asynchronously: wait for it a little).
  for (const char* method : {"ListPorts", "StreamPorts", "WatchPorts"}) {
    SCOPED_TRACE(method);
    const std::string wanted = absl::StrCat(R"("method":")", method, R"(")");
    int lines = 0;
    for (int attempt = 0; attempt < 50 && lines < static_cast<int>(bad.size()); ++attempt) {
      if (attempt > 0) absl::SleepFor(absl::Milliseconds(100));
      lines = 0;
      for (absl::string_view line : absl::StrSplit(env_->gateway().ReadStderr(), '\n')) {
        if (absl::StrContains(line, wanted) && absl::StrContains(line, "INVALID_REQUEST")) ++lines;
      }
    }
    EXPECT_GE(lines, static_cast<int>(bad.size()));
  }
  // No unstructured protobuf line per bad request (a log an attacker could flood).
  EXPECT_FALSE(absl::StrContains(env_->gateway().ReadStderr(), "libprotobuf"));
}

}  // namespace
}  // namespace hss::testing
