// End-to-end: hss-sim and hss-gateway as processes, called as a client would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "rapidjson/document.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;

class ListPortsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One attempt per call, no breaker: these tests check how each single upstream answer maps
    // (retries and the breaker have their own tests in protection_e2e_test.cc).
    auto env = GatewayEnv::Start(
        {.sim_args = {"--hosts=host-a:57,empty-host:0"},
         .gateway_args = {"--retry_max_attempts=1", "--breaker_failure_threshold=0"}});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    env_->ClearFaults();
    env_->ClearSimRequests();
  }

  static grpc::Status Call(const ListPortsRequest& request, ListPortsResponse* response,
                           absl::Duration timeout = absl::Seconds(10)) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, timeout);
    return env_->NewStub()->ListPorts(&context, request, response);
  }

  static ListPortsRequest Request(const std::string& host_id) {
    ListPortsRequest r;
    r.set_host_id(host_id);
    return r;
  }

  static GatewayEnv* env_;
};
GatewayEnv* ListPortsE2E::env_ = nullptr;

// Fetches the same page straight from the simulator and checks, field by
// field, that the gateway returned exactly what the upstream sent.
TEST_F(ListPortsE2E, ReturnsTheUpstreamPageTyped) {
  ListPortsRequest request = Request("host-a");
  request.set_limit(50);
  request.set_offset(5);
  ListPortsResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  EXPECT_EQ(response.total_num(), 57);
  ASSERT_EQ(response.data_list_size(), 50);

  auto direct = env_->SimCall("GET", absl::StrCat("/v5/", GatewayEnv::kProject,
                                                  "/asset/ports?host_id=host-a&limit=50&offset=5"));
  ASSERT_TRUE(direct.ok());
  rapidjson::Document doc;
  doc.Parse(direct->second.c_str());
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("data_list")) << direct->second;
  const auto& list = doc["data_list"];
  ASSERT_EQ(list.Size(), 50u);
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const auto& want = list[i];
    const auto& got = response.data_list(static_cast<int>(i));
    auto str = [&](const char* key) -> std::string {
      return want.HasMember(key) && want[key].IsString() ? want[key].GetString() : "";
    };
    auto num = [&](const char* key) -> int {
      return want.HasMember(key) && want[key].IsInt() ? want[key].GetInt() : 0;
    };
    EXPECT_EQ(got.host_id(), str("host_id")) << i;
    EXPECT_EQ(got.laddr(), str("laddr")) << i;
    EXPECT_EQ(got.status_text(), str("status")) << i;
    EXPECT_EQ(got.port(), num("port")) << i;
    EXPECT_EQ(got.pid(), num("pid")) << i;
    EXPECT_EQ(got.path(), str("path")) << i;
    EXPECT_EQ(got.agent_id(), str("agent_id")) << i;
    EXPECT_EQ(got.container_id(), str("container_id")) << i;
    const std::string type = str("type");
    EXPECT_EQ(got.type(), type == "TCP"   ? hss::ports::v1::PROTOCOL_TCP
                          : type == "UDP" ? hss::ports::v1::PROTOCOL_UDP
                                          : hss::ports::v1::PROTOCOL_UNSPECIFIED)
        << i;
    std::string status = str("status");
    for (auto& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(got.status(), status == "normal"   ? hss::ports::v1::PORT_STATUS_NORMAL
                            : status == "danger" ? hss::ports::v1::PORT_STATUS_DANGER
                            : status == "unknown" || status == "unknow"
                                ? hss::ports::v1::PORT_STATUS_UNKNOWN
                                : hss::ports::v1::PORT_STATUS_UNSPECIFIED)
        << i;
  }
}

TEST_F(ListPortsE2E, EmptyHostIsAnEmptyPage) {
  ListPortsResponse response;
  ASSERT_TRUE(Call(Request("empty-host"), &response).ok());
  EXPECT_EQ(response.total_num(), 0);
  EXPECT_EQ(response.data_list_size(), 0);
}

TEST_F(ListPortsE2E, ForwardsEveryFilterAndOnlySetOnes) {
  ListPortsRequest request = Request("host-a");
  request.set_host_name("web 01");
  request.set_host_ip("192.168.0.1");
  request.set_port(443);
  request.set_type(hss::ports::v1::PROTOCOL_TCP);
  request.set_status(hss::ports::v1::PORT_STATUS_DANGER);
  request.set_enterprise_project_id("all_granted_eps");
  request.set_limit(20);
  request.set_offset(40);
  request.set_category(hss::ports::v1::CATEGORY_CONTAINER);
  ListPortsResponse response;
  ASSERT_TRUE(Call(request, &response).ok());

  ListPortsResponse unused;
  ASSERT_TRUE(Call(Request("host-a"), &unused).ok());

  auto log = env_->SimRequests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].path, absl::StrCat("/v5/", GatewayEnv::kProject, "/asset/ports"));
  std::map<std::string, std::string> want = {{"host_id", "host-a"},
                                             {"host_name", "web 01"},
                                             {"host_ip", "192.168.0.1"},
                                             {"port", "443"},
                                             {"type", "TCP"},
                                             {"status", "danger"},
                                             {"enterprise_project_id", "all_granted_eps"},
                                             {"limit", "20"},
                                             {"offset", "40"},
                                             {"category", "container"}};
  EXPECT_EQ(log[0].query, want);
  EXPECT_EQ(log[1].query, (std::map<std::string, std::string>{{"host_id", "host-a"}}));
}

TEST_F(ListPortsE2E, HostileValuesStayInsideTheirQueryParameter) {
  const std::string hostile = "../../x?a=b&c=d#frag %2F+ü=;/";
  ListPortsRequest request = Request("host-a");
  request.set_host_name(hostile);
  request.set_project_id("proj ü");
  ListPortsResponse response;
  ASSERT_TRUE(Call(request, &response).ok());
  auto log = env_->SimRequests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].path, "/v5/proj%20%C3%BC/asset/ports");
  EXPECT_EQ(log[0].query.at("host_name"), hostile);
  EXPECT_EQ(log[0].query.size(), 2u);

  // Control characters could split a header or a request line: refused outright.
  env_->ClearSimRequests();
  request.set_host_name("x\r\nX-Injected: 1");
  grpc::Status status = Call(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(env_->SimRequests().empty());
}

TEST_F(ListPortsE2E, InvalidRequestNeverReachesTheUpstream) {
  ListPortsRequest request;
  request.set_limit(5);
  request.set_port(70000);
  request.set_offset(-1);
  ListPortsResponse response;
  grpc::Status status = Call(request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  DecodedError details = Decode(status);
  ASSERT_TRUE(details.bad_request.has_value());
  std::set<std::string> fields;
  for (const auto& v : details.bad_request->field_violations()) fields.insert(v.field());
  EXPECT_EQ(fields, (std::set<std::string>{"host_id", "limit", "port", "offset"}));
  EXPECT_TRUE(env_->SimRequests().empty());
}

TEST_F(ListPortsE2E, MissingTokenIsUnauthenticatedWithoutUpstreamCall) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  ListPortsResponse response;
  grpc::Status status = env_->NewStub()->ListPorts(&context, Request("host-a"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(env_->SimRequests().empty());
}

TEST_F(ListPortsE2E, BearerTokenIsAccepted) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer e2e-token");
  ListPortsResponse response;
  EXPECT_TRUE(env_->NewStub()->ListPorts(&context, Request("host-a"), &response).ok());
  auto log = env_->SimRequests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].auth, "token");
}

struct ErrorRow {
  int http_status;
  std::string error_code;
  grpc::StatusCode want;
  std::string reason;
};

// Every row of the HTTP status → gRPC code table, through real processes.
TEST_F(ListPortsE2E, MapsEveryUpstreamErrorStatus) {
  const std::vector<ErrorRow> rows = {
      {400, "HSS.0001", grpc::StatusCode::INVALID_ARGUMENT, "UPSTREAM_INVALID_ARGUMENT"},
      {401, "APIG.0301", grpc::StatusCode::UNAUTHENTICATED, "UPSTREAM_UNAUTHENTICATED"},
      {403, "HSS.0013", grpc::StatusCode::PERMISSION_DENIED, "UPSTREAM_PERMISSION_DENIED"},
      {404, "HSS.0011", grpc::StatusCode::NOT_FOUND, "UPSTREAM_NOT_FOUND"},
      {404, "APIG.0101", grpc::StatusCode::INTERNAL, "UPSTREAM_API_NOT_FOUND"},
      {408, "APIG.0201", grpc::StatusCode::UNAVAILABLE, "UPSTREAM_TIMEOUT"},
      {409, "HSS.0002", grpc::StatusCode::ABORTED, "UPSTREAM_CONFLICT"},
      {412, "HSS.0002", grpc::StatusCode::FAILED_PRECONDITION, "UPSTREAM_FAILED_PRECONDITION"},
      {413, "APIG.0201", grpc::StatusCode::INVALID_ARGUMENT, "UPSTREAM_REQUEST_TOO_LARGE"},
      {414, "APIG.0201", grpc::StatusCode::INVALID_ARGUMENT, "UPSTREAM_REQUEST_TOO_LARGE"},
      {418, "X.1", grpc::StatusCode::INVALID_ARGUMENT, "UPSTREAM_INVALID_ARGUMENT"},
      {429, "APIG.0308", grpc::StatusCode::RESOURCE_EXHAUSTED, "UPSTREAM_THROTTLED"},
      {500, "HSS.0041", grpc::StatusCode::INTERNAL, "UPSTREAM_INTERNAL_ERROR"},
      {501, "X.2", grpc::StatusCode::UNIMPLEMENTED, "UPSTREAM_NOT_IMPLEMENTED"},
      {502, "APIG.0201", grpc::StatusCode::UNAVAILABLE, "UPSTREAM_UNAVAILABLE"},
      {503, "X.3", grpc::StatusCode::UNAVAILABLE, "UPSTREAM_UNAVAILABLE"},
      {504, "APIG.0201", grpc::StatusCode::UNAVAILABLE, "UPSTREAM_TIMEOUT"},
      {505, "X.4", grpc::StatusCode::INTERNAL, "UPSTREAM_INTERNAL_ERROR"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(absl::StrCat(row.http_status, " ", row.error_code));
    env_->ClearFaults();
    env_->AddFault(absl::StrCat(R"({"times":1,"status":)", row.http_status, R"(,"error_code":")",
                                row.error_code, R"(","error_msg":"simulated failure"})"));
    ListPortsResponse response;
    grpc::Status status = Call(Request("host-a"), &response);
    EXPECT_EQ(status.error_code(), row.want);
    EXPECT_NE(status.error_message().find(row.error_code), std::string::npos)
        << status.error_message();
    EXPECT_NE(status.error_message().find("simulated failure"), std::string::npos)
        << status.error_message();
    DecodedError details = Decode(status);
    ASSERT_TRUE(details.has_details);
    EXPECT_EQ(details.code, static_cast<int>(row.want));
    ASSERT_TRUE(details.error_info.has_value());
    EXPECT_EQ(details.error_info->reason(), row.reason);
    EXPECT_EQ(details.error_info->domain(), "hss-gateway.hss.ports.v1");
    const auto& meta = details.error_info->metadata();
    EXPECT_EQ(meta.count("httpStatus") ? meta.at("httpStatus") : "", absl::StrCat(row.http_status));
    EXPECT_EQ(meta.count("upstreamErrorCode") ? meta.at("upstreamErrorCode") : "", row.error_code);
    ASSERT_TRUE(details.request_info.has_value());
    auto log = env_->SimRequests();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(details.request_info->request_id(), log.back().request_id);
    EXPECT_NE(status.error_message().find(log.back().request_id), std::string::npos);
    env_->ClearSimRequests();
  }
}

TEST_F(ListPortsE2E, RetryAfterBecomesRetryInfo) {
  env_->AddFault(
      R"({"times":1,"status":429,"error_code":"APIG.0308","error_msg":"throttled","retry_after":"7"})");
  ListPortsResponse response;
  grpc::Status status = Call(Request("host-a"), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  DecodedError details = Decode(status);
  ASSERT_TRUE(details.retry_info.has_value());
  EXPECT_EQ(details.retry_info->retry_delay().seconds(), 7);
}

TEST_F(ListPortsE2E, ErrorBodyShapesAreAllUnderstood) {
  for (const std::string shape : {"error_code", "error_obj", "errorCode"}) {
    SCOPED_TRACE(shape);
    env_->ClearFaults();
    env_->AddFault(absl::StrCat(
        R"({"times":1,"status":403,"error_code":"HSS.0010","error_msg":"access denied here","body_shape":")",
        shape, R"("})"));
    ListPortsResponse response;
    grpc::Status status = Call(Request("host-a"), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_NE(status.error_message().find("access denied here"), std::string::npos)
        << status.error_message();
  }
  env_->ClearFaults();
  env_->AddFault(R"({"times":1,"status":502,"raw_body":"<html>Bad Gateway</html>"})");
  ListPortsResponse response;
  grpc::Status status = Call(Request("host-a"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("Bad Gateway"), std::string::npos)
      << status.error_message();
}

TEST_F(ListPortsE2E, TransportFailuresAreUnavailable) {
  for (const std::string effect : {R"("drop_connection":true)", R"("truncate_body":true)"}) {
    SCOPED_TRACE(effect);
    env_->ClearFaults();
    // Twice: libcurl transparently re-sends a request once when a reused
    // keep-alive connection turns out dead before any answer arrived.
    env_->AddFault(absl::StrCat(R"({"times":2,)", effect, "}"));
    ListPortsResponse response;
    grpc::Status status = Call(Request("host-a"), &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    EXPECT_TRUE(Decode(status).error_info.has_value());
  }
}

TEST_F(ListPortsE2E, MalformedBodyIsInternal) {
  env_->AddFault(R"({"times":1,"malformed_body":true})");
  ListPortsResponse response;
  grpc::Status status = Call(Request("host-a"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  ASSERT_TRUE(Decode(status).error_info.has_value());
  EXPECT_EQ(Decode(status).error_info->reason(), "UPSTREAM_MALFORMED_RESPONSE");
}

TEST_F(ListPortsE2E, OversizedBodyIsResourceExhausted) {
  env_->AddFault(R"({"times":1,"oversized_body_bytes":9000000})");
  ListPortsResponse response;
  grpc::Status status = Call(Request("host-a"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  ASSERT_TRUE(Decode(status).error_info.has_value());
  EXPECT_EQ(Decode(status).error_info->reason(), "UPSTREAM_RESPONSE_TOO_LARGE");
}

// Counts this machine's established TCP connections whose remote end is `port`.
int EstablishedConnectionsTo(int port) {
  int count = 0;
  for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::vector<std::string> cols = absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (cols.size() < 4 || cols[3] != "01") continue;
      auto colon = cols[2].rfind(':');
      int remote = 0;
      if (colon != std::string::npos && absl::SimpleHexAtoi(cols[2].substr(colon + 1), &remote) &&
          remote == port) {
        ++count;
      }
    }
  }
  return count;
}

TEST_F(ListPortsE2E, CallerDeadlineAbortsTheUpstreamTransfer) {
  // Bounds come from the upstream's delay, which the test sets, not from how
  // fast this machine is: the call ends at its deadline, long before HSS answers.
  constexpr absl::Duration kUpstreamDelay = absl::Seconds(3);
  env_->AddFault(
      absl::StrCat(R"({"times":1,"latency_ms":)", absl::ToInt64Milliseconds(kUpstreamDelay), "}"));
  const absl::Time start = absl::Now();
  ListPortsResponse response;
  grpc::Status status = Call(Request("host-a"), &response, absl::Milliseconds(300));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, kUpstreamDelay);
  // The gateway's connection that carried the slow request is closed before HSS
  // would have answered (an answered request would leave it open, kept alive).
  int established = EstablishedConnectionsTo(env_->sim().port());
  while (established != 0 && absl::Now() - start < kUpstreamDelay - absl::Milliseconds(500)) {
    absl::SleepFor(absl::Milliseconds(20));
    established = EstablishedConnectionsTo(env_->sim().port());
  }
  EXPECT_EQ(established, 0);
}

TEST_F(ListPortsE2E, ThousandConcurrentCallsAllCorrect) {
  auto stub = env_->NewStub();
  constexpr int kCalls = 1000;
  struct Call {
    grpc::ClientContext context;
    ListPortsRequest request;
    ListPortsResponse response;
    grpc::Status status;
  };
  std::vector<std::unique_ptr<Call>> calls;
  std::atomic<int> left{kCalls};
  absl::Notification all_done;
  for (int i = 0; i < kCalls; ++i) {
    auto call = std::make_unique<Call>();
    GatewayEnv::Prepare(call->context, absl::Seconds(60));
    call->request.set_host_id("host-a");
    call->request.set_limit(10);
    call->request.set_offset(i % 40);
    calls.push_back(std::move(call));
  }
  for (auto& call : calls) {
    stub->async()->ListPorts(&call->context, &call->request, &call->response,
                             [&, c = call.get()](grpc::Status s) {
                               c->status = std::move(s);
                               if (--left == 0) all_done.Notify();
                             });
  }
  ASSERT_TRUE(all_done.WaitForNotificationWithTimeout(absl::Seconds(60)));
  for (int i = 0; i < kCalls; ++i) {
    const auto& call = *calls[i];
    ASSERT_TRUE(call.status.ok()) << i << ": " << call.status.error_message();
    const int offset = i % 40;
    EXPECT_EQ(call.response.total_num(), 57);
    ASSERT_EQ(call.response.data_list_size(), 10) << i;
    // Same offset ⇒ same page: compare with the first call of that offset.
    const auto& first = calls[offset]->response;
    EXPECT_EQ(call.response.SerializeAsString(), first.SerializeAsString()) << i;
  }
}

TEST(ListPortsE2EStandalone, UpstreamDownIsUnavailable) {
  auto env = GatewayEnv::Start({.endpoint_override = "http://127.0.0.1:1"});
  ASSERT_TRUE(env.ok()) << env.status();
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  ListPortsRequest request;
  request.set_host_id("h");
  ListPortsResponse response;
  grpc::Status status = (*env)->NewStub()->ListPorts(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  DecodedError details = Decode(status);
  ASSERT_TRUE(details.error_info.has_value());
  EXPECT_EQ(details.error_info->reason(), "UPSTREAM_UNREACHABLE");
  EXPECT_NE(status.error_message().find("127.0.0.1:1"), std::string::npos);
}

TEST(ListPortsE2EStandalone, SigtermDrainsInFlightCallsThenExits) {
  auto env = GatewayEnv::Start();
  ASSERT_TRUE(env.ok()) << env.status();
  (*env)->AddFault(R"({"times":1,"latency_ms":700})");
  auto stub = (*env)->NewStub();
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  ListPortsRequest request;
  request.set_host_id("h");
  ListPortsResponse response;
  grpc::Status status;
  absl::Notification done;
  stub->async()->ListPorts(&context, &request, &response, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  // SIGTERM once HSS holds the request (the simulator logs it on arrival).
  for (int i = 0; i < 500 && (*env)->SimRequests().empty(); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_FALSE((*env)->SimRequests().empty());
  auto exit = (*env)->gateway().Stop(SIGTERM, absl::Seconds(10));
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(5)));
  EXPECT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0);
}

// Reads a "Name:   123 kB" line of /proc/<pid>/status, in KiB (-1 if absent).
long ProcStatusKib(pid_t pid, const std::string& name) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, name + ":")) continue;
    std::vector<std::string> cols = absl::StrSplit(line, ' ', absl::SkipEmpty());
    long kib = -1;
    if (cols.size() >= 2 && absl::SimpleAtoi(cols[1], &kib)) return kib;
  }
  return -1;
}

// True when this binary (and so the gateway, built with it) runs under a
// sanitizer, whose allocator keeps freed memory and inflates RSS.
constexpr bool kUnderSanitizer =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
    true;
#else
    false;
#endif
#else
    false;
#endif

// A 6 MB 200 answer of two million `{}` records maps to `limit` ports, and the
// gateway's peak RSS stays far below what a DOM of it (plus two million Port
// messages) took: about 280 MiB.
TEST(ListPortsE2EStandalone, MillionsOfEmptyRecordsKeepTheGatewaySmall) {
  auto env = GatewayEnv::Start(
      {.sim_args = {"--hosts=host-a:57"},
       .gateway_args = {"--retry_max_attempts=1", "--max_response_bytes=16777216"}});
  ASSERT_TRUE(env.ok()) << env.status();
  (*env)->AddFault(R"({"times":1,"empty_records":2000000})");
  const pid_t pid = (*env)->gateway().pid();
  const long rss_before_kib = ProcStatusKib(pid, "VmRSS");
  ListPortsRequest request;
  request.set_host_id("host-a");
  request.set_limit(50);
  ListPortsResponse response;
  {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, absl::Seconds(60));
    grpc::Status status = (*env)->NewStub()->ListPorts(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(response.total_num(), 2000000);
  EXPECT_EQ(response.data_list_size(), 50);
  const long hwm_kib = ProcStatusKib(pid, "VmHWM");
  std::cout << "gateway VmRSS before " << rss_before_kib / 1024 << " MiB, VmHWM after "
            << hwm_kib / 1024 << " MiB\n";
  ASSERT_GT(hwm_kib, 0);
  if (!kUnderSanitizer) {
    EXPECT_LT(hwm_kib, 150 * 1024) << "KiB";
  }
  // The next call is served as usual.
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  response.Clear();
  grpc::Status status = (*env)->NewStub()->ListPorts(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.total_num(), 57);
  EXPECT_EQ(response.data_list_size(), 50);
}

// Arrays nested a million deep (valid JSON) are rejected as malformed without
// crashing the gateway, which then serves the next call.
TEST_F(ListPortsE2E, DeeplyNestedArraysAreMalformedAndTheGatewayLivesOn) {
  env_->AddFault(R"({"times":1,"nested_depth":1000000})");
  ListPortsResponse response;
  grpc::Status status = Call(Request("host-a"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL) << status.error_message();
  ASSERT_TRUE(Decode(status).error_info.has_value());
  EXPECT_EQ(Decode(status).error_info->reason(), "UPSTREAM_MALFORMED_RESPONSE");
  EXPECT_NE(status.error_message().find("nested deeper than 64 levels"), std::string::npos)
      << status.error_message();
  response.Clear();
  status = Call(Request("host-a"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.total_num(), 57);
  EXPECT_EQ(response.data_list_size(), 10);
}

// An upstream page with more rows than `limit` is cut to `limit`.
TEST_F(ListPortsE2E, MoreRowsThanLimitAreCutToLimit) {
  env_->AddFault(R"({"times":1,"extra_rows":30})");
  ListPortsRequest request = Request("host-a");
  request.set_limit(20);
  request.set_offset(5);
  ListPortsResponse response;
  grpc::Status status = Call(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.total_num(), 57);
  ASSERT_EQ(response.data_list_size(), 20);
  // The same rows a well-behaved upstream sends.
  ListPortsResponse want;
  ASSERT_TRUE(Call(request, &want).ok());
  EXPECT_EQ(response.SerializeAsString(), want.SerializeAsString());
}

}  // namespace
}  // namespace hss::testing
