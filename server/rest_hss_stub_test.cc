#include "server/rest_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "absl/synchronization/mutex.h"
#include "server/status_details.h"
#include "server/token_credentials.h"

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
    RestHssStubOptions options;
    options.endpoint = "https://hss.example.com";
    options.per_attempt_timeout = absl::Seconds(30);
    options.deadline_margin = absl::Milliseconds(20);
    options.clock = [this] { return now_; };
    stub_ = std::make_unique<RestHssStub>(std::move(options), transport_,
                                          std::make_shared<PassthroughCredentials>());
    context_.passthrough_token = "tok";
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

}  // namespace
}  // namespace hss::gateway
