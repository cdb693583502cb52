#ifndef HSS_SERVER_TESTING_FAKE_HSS_STUB_H_
#define HSS_SERVER_TESTING_FAKE_HSS_STUB_H_

// Test helpers for HssStub decorators: a fake inner stub, pages, and upstream
// statuses built by the real error mappers (so tests see what production sees).

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/http/curl_status.h"
#include "server/http/upstream_error.h"
#include "server/rest/hss_stub.h"

namespace hss::gateway {

// An HssStub that records every call and answers either from a script (at
// once, inside AsyncListPorts) or, when the script is empty, when the test
// calls Answer(). Thread-safe.
class FakeHssStub : public HssStub {
 public:
  // One call waiting for Answer().
  struct Pending {
    CallContext context;
    std::string project_id;
    hss::ports::v1::ListPortsRequest request;
    PortsPageCallback done;
  };

  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override {
    std::optional<absl::StatusOr<PortsPage>> scripted;
    {
      absl::MutexLock lock(&mu_);
      contexts_.push_back(context);
      requests_.push_back(request);
      project_ids_.push_back(project_id);
      if (!script_.empty()) {
        scripted = std::move(script_.front());
        script_.pop_front();
      } else {
        pending_.push_back({context, project_id, request, std::move(done)});
      }
    }
    if (scripted) std::move(done)(*std::move(scripted));
  }

  // Queues `result` as the answer of the next `times` calls.
  void Script(const absl::StatusOr<PortsPage>& result, int times = 1) {
    absl::MutexLock lock(&mu_);
    for (int i = 0; i < times; ++i) script_.push_back(result);
  }

  // Forgets the scripted answers not used yet.
  void ClearScript() {
    absl::MutexLock lock(&mu_);
    script_.clear();
  }

  // Answers the oldest pending call; returns false if there is none.
  bool Answer(absl::StatusOr<PortsPage> result) {
    PortsPageCallback done;
    {
      absl::MutexLock lock(&mu_);
      if (pending_.empty()) return false;
      done = std::move(pending_.front().done);
      pending_.pop_front();
    }
    std::move(done)(std::move(result));
    return true;
  }

  // Calls received so far.
  int calls() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(contexts_.size());
  }

  // Calls waiting for Answer().
  std::size_t pending() {
    absl::MutexLock lock(&mu_);
    return pending_.size();
  }

  // Waits until at least `n` calls are waiting for Answer(); returns false if
  // that did not happen within `timeout`.
  bool AwaitPending(std::size_t n, absl::Duration timeout = absl::Seconds(10)) {
    struct Want {
      FakeHssStub* stub;
      std::size_t n;
    } want{this, n};
    bool (*ready)(Want*) = [](Want* w) { return w->stub->pending_.size() >= w->n; };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(ready, &want), timeout);
  }

  // The context of call `i` (0 = first).
  CallContext context(std::size_t i) {
    absl::MutexLock lock(&mu_);
    return contexts_.at(i);
  }

  // The request of call `i` (0 = first).
  hss::ports::v1::ListPortsRequest request(std::size_t i) {
    absl::MutexLock lock(&mu_);
    return requests_.at(i);
  }

  // The project id of call `i` (0 = first).
  std::string project_id(std::size_t i) {
    absl::MutexLock lock(&mu_);
    return project_ids_.at(i);
  }

 private:
  absl::Mutex mu_;
  std::deque<absl::StatusOr<PortsPage>> script_ ABSL_GUARDED_BY(mu_);
  std::deque<Pending> pending_ ABSL_GUARDED_BY(mu_);
  std::vector<CallContext> contexts_ ABSL_GUARDED_BY(mu_);
  std::vector<hss::ports::v1::ListPortsRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> project_ids_ ABSL_GUARDED_BY(mu_);
};

// A page of `ports` ports (numbered from 1) of a host with `total` ports.
inline PortsPage TestPage(int ports, int total = 100) {
  PortsPage page;
  page.http_status = 200;
  page.has_total_num = true;
  page.request_id = "req-1";
  page.response.set_total_num(total);
  for (int i = 0; i < ports; ++i) {
    auto* port = page.response.add_data_list();
    port->set_port(i + 1);
    port->set_host_id("host-1");
  }
  return page;
}

// The status RestHssStub produces for an HSS answer with `http_status`.
inline absl::Status HttpError(int http_status, absl::string_view body = "",
                              std::vector<HttpHeader> headers = {}) {
  HttpResponse response;
  response.status = http_status;
  response.body = std::string(body);
  response.headers = std::move(headers);
  return UpstreamHttpError(response, absl::FromUnixSeconds(1'700'000'000));
}

// The status of HSS's throttling answer (429 APIG.0308), with `retry_after`
// as its Retry-After header when not empty.
inline absl::Status Throttled(absl::string_view retry_after = "") {
  std::vector<HttpHeader> headers;
  if (!retry_after.empty()) headers.emplace_back("Retry-After", std::string(retry_after));
  return HttpError(429, R"({"error_code":"APIG.0308","error_msg":"throttled"})",
                   std::move(headers));
}

// The status CurlTransport produces for a failed transfer with `code`.
inline absl::Status TransportError(CURLcode code, bool timeout_is_caller_deadline = false) {
  CurlFailure failure;
  failure.code = code;
  failure.origin = "https://hss.example.com";
  failure.timeout_is_caller_deadline = timeout_is_caller_deadline;
  return CurlFailureToStatus(failure);
}

// Where a test call's outcome lands.
using Outcome = std::shared_ptr<std::optional<absl::StatusOr<PortsPage>>>;

// Starts a call on `stub`; the returned slot is filled when `done` runs.
inline Outcome StartCall(HssStub& stub, const CallContext& context,
                         const hss::ports::v1::ListPortsRequest& request,
                         const std::string& project_id = "proj") {
  auto out = std::make_shared<std::optional<absl::StatusOr<PortsPage>>>();
  stub.AsyncListPorts(context, project_id, request,
                      [out](absl::StatusOr<PortsPage> result) { *out = std::move(result); });
  return out;
}

// A valid request for host `host_id`.
inline hss::ports::v1::ListPortsRequest TestRequest(absl::string_view host_id = "host-1") {
  hss::ports::v1::ListPortsRequest request;
  request.set_host_id(std::string(host_id));
  request.set_limit(50);
  return request;
}

}  // namespace hss::gateway

#endif  // HSS_SERVER_TESTING_FAKE_HSS_STUB_H_
