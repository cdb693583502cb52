#include "server/rest/rest_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "server/auth/token_credentials.h"
#include "server/runtime/status_details.h"
#include "server/testing/counting_metrics_recorder.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// An HttpTransport that records requests and lets the test answer them.
class FakeTransport : public HttpTransport {
 public:
  HttpRequestId Start(HttpRequest request, HttpCallback done) override {
    absl::MutexLock lock(&mu_);
    requests.push_back(request);
    pending.push_back({next_id_, std::move(done)});
    return next_id_++;
  }
  void Cancel(HttpRequestId id) override {
    HttpCallback done;
    {
      absl::MutexLock lock(&mu_);
      cancelled.push_back(id);
      for (auto it = pending.begin(); it != pending.end(); ++it) {
        if (it->first == id) {
          done = std::move(it->second);
          pending.erase(it);
          break;
        }
      }
    }
    if (done) std::move(done)(absl::CancelledError("aborted"));
  }
  void Answer(absl::StatusOr<HttpResponse> response) {
    HttpCallback done;
    {
      absl::MutexLock lock(&mu_);
      done = std::move(pending.front().second);
      pending.pop_front();
    }
    std::move(done)(std::move(response));
  }

  absl::Mutex mu_;
  HttpRequestId next_id_ = 1;
  std::vector<HttpRequest> requests;
  std::deque<std::pair<HttpRequestId, HttpCallback>> pending;
  std::vector<HttpRequestId> cancelled;
};

class RestHssStubTest : public ::testing::Test {
 protected:
  RestHssStubTest() {
    MakeStub(nullptr);
    context_.passthrough_token = "tok";
  }

  // (Re)creates the stub under test, mapping on `decode_pool` when set.
  void MakeStub(std::shared_ptr<WorkPool> decode_pool, size_t offload_min_bytes = 16 * 1024) {
    RestHssStubOptions options;
    options.endpoint = "https://hss.example.com";
    options.per_attempt_timeout = absl::Seconds(30);
    options.deadline_margin = absl::Milliseconds(20);
    options.clock = [this] { return now_; };
    options.decode_pool = std::move(decode_pool);
    options.offload_min_bytes = offload_min_bytes;
    stub_ = std::make_unique<RestHssStub>(std::move(options), transport_,
                                          std::make_shared<PassthroughCredentials>());
  }

  // Completes what a test left in flight: pending callbacks hold the call's
  // cancellation, whose hooks hold the transport (a cycle until they run).
  ~RestHssStubTest() override {
    while (!transport_->pending.empty()) transport_->Answer(absl::CancelledError("test ended"));
  }

  // Starts a call and returns a slot that receives its outcome.
  std::shared_ptr<std::optional<absl::StatusOr<PortsPage>>> Call(
      const hss::ports::v1::ListPortsRequest& request) {
    auto out = std::make_shared<std::optional<absl::StatusOr<PortsPage>>>();
    stub_->AsyncListPorts(context_, "proj", request,
                          [out](absl::StatusOr<PortsPage> page) { *out = std::move(page); });
    return out;
  }

  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  std::shared_ptr<FakeTransport> transport_ = std::make_shared<FakeTransport>();
  std::unique_ptr<RestHssStub> stub_;
  CallContext context_;
};

hss::ports::v1::ListPortsRequest Req() {
  hss::ports::v1::ListPortsRequest r;
  r.set_host_id("host 1");
  r.set_limit(10);
  return r;
}

TEST_F(RestHssStubTest, BuildsAnAuthenticatedEncodedRequest) {
  auto out = Call(Req());
  ASSERT_EQ(transport_->requests.size(), 1u);
  const HttpRequest& r = transport_->requests[0];
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://hss.example.com/v5/proj/asset/ports?host_id=host%201&limit=10");
  EXPECT_THAT(r.headers, ::testing::Contains(Pair("X-Auth-Token", "tok")));
  EXPECT_EQ(r.timeout, absl::Seconds(30));
  EXPECT_FALSE(r.timeout_is_caller_deadline);
}

TEST_F(RestHssStubTest, CallerDeadlineBoundsTheAttempt) {
  context_.deadline = now_ + absl::Milliseconds(300);
  auto out = Call(Req());
  ASSERT_EQ(transport_->requests.size(), 1u);
  EXPECT_EQ(transport_->requests[0].timeout, absl::Milliseconds(280));
  EXPECT_TRUE(transport_->requests[0].timeout_is_caller_deadline);
}

TEST_F(RestHssStubTest, ExpiredDeadlineFailsWithoutARequest) {
  context_.deadline = now_ + absl::Milliseconds(10);
  auto out = Call(Req());
  EXPECT_TRUE(transport_->requests.empty());
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(RestHssStubTest, MissingPassthroughTokenFailsWithoutARequest) {
  context_.passthrough_token.clear();
  auto out = Call(Req());
  EXPECT_TRUE(transport_->requests.empty());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(RestHssStubTest, RecordsEachUpstreamRequestWithItsStatusAndErrorCode) {
  auto metrics = std::make_shared<CountingMetricsRecorder>();
  ScopedMetricsRecorder scoped(metrics);
  auto ok = Call(Req());
  HttpResponse page;
  page.status = 200;
  page.body = R"({"total_num":0,"data_list":[]})";
  transport_->Answer(page);
  auto denied = Call(Req());
  HttpResponse error;
  error.status = 403;
  error.body = R"({"error_code":"HSS.0013","error_msg":"no permission"})";
  transport_->Answer(error);
  auto failed = Call(Req());
  transport_->Answer(absl::UnavailableError("connection refused"));
  ASSERT_TRUE(ok->has_value() && denied->has_value() && failed->has_value());
  const auto upstream = metrics->upstream();
  ASSERT_EQ(upstream.size(), 3u);
  EXPECT_EQ(upstream[0].http_status, 200);
  EXPECT_EQ(upstream[0].error_code, "");
  EXPECT_EQ(upstream[1].http_status, 403);
  EXPECT_EQ(upstream[1].error_code, "HSS.0013");
  EXPECT_EQ(upstream[2].http_status, 0);
  EXPECT_EQ(upstream[2].error_code, "");
}

TEST_F(RestHssStubTest, MapsASuccessfulPage) {
  auto out = Call(Req());
  HttpResponse response;
  response.status = 200;
  response.headers = {{"x-request-id", "abc"}};
  response.body = R"({"total_num":1,"data_list":[{"port":22,"type":"TCP","status":"danger"}]})";
  transport_->Answer(response);
  ASSERT_TRUE(out->has_value());
  ASSERT_TRUE((*out)->ok()) << (*out)->status();
  const PortsPage& page = out->value().value();
  EXPECT_EQ(page.request_id, "abc");
  EXPECT_EQ(page.http_status, 200);
  EXPECT_TRUE(page.has_total_num);
  ASSERT_EQ(page.response.data_list_size(), 1);
  EXPECT_EQ(page.response.data_list(0).port(), 22);
  EXPECT_EQ(page.response.data_list(0).status(), hss::ports::v1::PORT_STATUS_DANGER);
}

// A page of `count` ports, each with a 64-character agent ID, as HSS sends it.
std::string PageBody(int count) {
  std::string body = absl::StrCat(R"({"total_num":)", count, R"(,"data_list":[)");
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&body, i == 0 ? "" : ",", R"({"port":)", i, R"(,"type":"TCP","agent_id":")",
                    std::string(64, 'a'), R"("})");
  }
  return body + "]}";
}

TEST_F(RestHssStubTest, MapsLargePagesOnTheDecodePool) {
  auto pool = std::make_shared<WorkPool>(1);
  MakeStub(pool, /*offload_min_bytes=*/1024);
  absl::Notification mapped;
  std::thread::id mapped_on;
  absl::StatusOr<PortsPage> result;
  hss::ports::v1::ListPortsRequest request = Req();
  request.set_limit(50);  // A page keeps at most `limit` ports.
  stub_->AsyncListPorts(context_, "proj", request, [&](absl::StatusOr<PortsPage> page) {
    mapped_on = std::this_thread::get_id();
    result = std::move(page);
    mapped.Notify();
  });
  HttpResponse response;
  response.status = 200;
  response.headers = {{"X-Request-Id", "big"}};
  response.body = PageBody(50);
  ASSERT_GE(response.body.size(), 1024u);
  transport_->Answer(response);
  ASSERT_TRUE(mapped.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_NE(mapped_on, std::this_thread::get_id());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->request_id, "big");
  ASSERT_EQ(result->response.data_list_size(), 50);
  EXPECT_EQ(result->response.data_list(49).port(), 49);
  EXPECT_EQ(result->response.data_list(49).agent_id(), std::string(64, 'a'));
}

TEST_F(RestHssStubTest, MapsSmallPagesAndErrorsWithoutAThreadHop) {
  MakeStub(std::make_shared<WorkPool>(1), /*offload_min_bytes=*/1024);
  auto small = Call(Req());
  HttpResponse page;
  page.status = 200;
  page.body = PageBody(2);
  transport_->Answer(page);
  ASSERT_TRUE(small->has_value());  // Answered inline, before Answer() returned.
  EXPECT_EQ((*small)->value().response.data_list_size(), 2);

  auto failed = Call(Req());
  HttpResponse error;
  error.status = 500;
  error.body = std::string(4096, ' ') + R"({"error_code":"HSS.1001","error_msg":"x"})";
  transport_->Answer(error);
  ASSERT_TRUE(failed->has_value());
  EXPECT_EQ((*failed)->status().code(), absl::StatusCode::kInternal);
}

TEST_F(RestHssStubTest, MapsAnHttpError) {
  auto out = Call(Req());
  HttpResponse response;
  response.status = 403;
  response.headers = {{"X-Request-Id", "r-403"}};
  response.body = R"({"error_code":"HSS.0013","error_msg":"insufficient permissions"})";
  transport_->Answer(response);
  const absl::Status& status = (*out)->status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()), HasSubstr("HSS.0013"));
  auto info = GetErrorInfo(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->metadata().at("upstreamRequestId"), "r-403");
  EXPECT_EQ(GetRequestInfo(status)->request_id(), "r-403");
}

TEST_F(RestHssStubTest, MalformedBodyKeepsTheRequestId) {
  auto out = Call(Req());
  HttpResponse response;
  response.status = 200;
  response.headers = {{"X-Request-Id", "r-bad"}};
  response.body = "<html>";
  transport_->Answer(response);
  const absl::Status& status = (*out)->status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(GetRequestInfo(status)->request_id(), "r-bad");
  EXPECT_EQ(GetErrorInfo(status)->metadata().at("httpStatus"), "200");
}

TEST_F(RestHssStubTest, CancellationAbortsTheTransfer) {
  auto out = Call(Req());
  ASSERT_FALSE(out->has_value());
  context_.cancellation->Cancel();
  EXPECT_EQ(transport_->cancelled, std::vector<HttpRequestId>({1}));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kCancelled);
}

TEST_F(RestHssStubTest, CancelledCallSendsNothing) {
  context_.cancellation->Cancel();
  auto out = Call(Req());
  EXPECT_TRUE(transport_->requests.empty());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kCancelled);
}

TEST_F(RestHssStubTest, TransportErrorsPassThrough) {
  auto out = Call(Req());
  transport_->Answer(MakeError(absl::StatusCode::kUnavailable, "refused", "UPSTREAM_UNREACHABLE"));
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "UPSTREAM_UNREACHABLE");
}

// Credentials that finish Authorize() only when the test says so, as IAM
// token credentials do while a token is fetched.
class DeferredCredentials : public Credentials {
 public:
  void Authorize(HttpRequest request, const CallContext& context, AuthorizeCallback done) override {
    deadline_seen = context.deadline;
    request_ = std::move(request);
    done_ = std::move(done);
  }
  // Completes the pending Authorize() with a token header.
  void Finish() {
    request_.headers.emplace_back("X-Auth-Token", "iam-token");
    std::move(done_)(std::move(request_));
  }
  absl::Time deadline_seen = absl::InfinitePast();

 private:
  HttpRequest request_;
  AuthorizeCallback done_;
};

TEST_F(RestHssStubTest, TheAttemptTimeoutCountsFromWhenAuthorizeFinished) {
  auto credentials = std::make_shared<DeferredCredentials>();
  RestHssStubOptions options;
  options.endpoint = "https://hss.example.com";
  options.clock = [this] { return now_; };
  stub_ = std::make_unique<RestHssStub>(std::move(options), transport_, credentials);
  context_.deadline = now_ + absl::Seconds(10);
  auto out = Call(Req());
  EXPECT_EQ(credentials->deadline_seen, context_.deadline - absl::Milliseconds(20))
      << "Authorize gets the deadline the gateway must answer by";
  now_ += absl::Seconds(4);  // waiting for an IAM token
  credentials->Finish();
  ASSERT_EQ(transport_->requests.size(), 1u);
  EXPECT_EQ(transport_->requests[0].timeout, absl::Seconds(6) - absl::Milliseconds(20));
  EXPECT_TRUE(transport_->requests[0].timeout_is_caller_deadline);
}

TEST_F(RestHssStubTest, ADeadlinePassedDuringAuthorizeFailsWithoutSending) {
  auto credentials = std::make_shared<DeferredCredentials>();
  RestHssStubOptions options;
  options.endpoint = "https://hss.example.com";
  options.clock = [this] { return now_; };
  stub_ = std::make_unique<RestHssStub>(std::move(options), transport_, credentials);
  context_.deadline = now_ + absl::Seconds(1);
  auto out = Call(Req());
  now_ += absl::Seconds(1);
  credentials->Finish();
  EXPECT_TRUE(transport_->requests.empty());
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(GetErrorInfo((*out)->status())->reason(), "DEADLINE_EXCEEDED");
}

}  // namespace
}  // namespace hss::gateway
