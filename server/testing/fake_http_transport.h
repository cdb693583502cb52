#ifndef HSS_SERVER_TESTING_FAKE_HTTP_TRANSPORT_H_
#define HSS_SERVER_TESTING_FAKE_HTTP_TRANSPORT_H_

// Test double: an HttpTransport that records requests and lets the test answer
// them in any order. Header-only; for unit tests.

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/http/http_transport.h"

namespace hss::gateway {

// Records every request; each stays pending until the test answers it.
class FakeHttpTransport : public HttpTransport {
 public:
  HttpRequestId Start(HttpRequest request, HttpCallback done) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(request);
    pending_.push_back(Pending{next_id_, std::move(request), std::move(done)});
    return next_id_++;
  }

  void Cancel(HttpRequestId id) override {
    HttpCallback done;
    {
      absl::MutexLock lock(&mu_);
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->id == id) {
          done = std::move(it->done);
          pending_.erase(it);
          break;
        }
      }
    }
    if (done) std::move(done)(absl::CancelledError("aborted"));
  }

  // Answers the oldest pending request (which must exist) with `outcome`.
  void Answer(absl::StatusOr<HttpResponse> outcome) {
    HttpCallback done;
    {
      absl::MutexLock lock(&mu_);
      done = std::move(pending_.front().done);
      pending_.pop_front();
    }
    std::move(done)(std::move(outcome));
  }

  // Answers every pending request with UNAVAILABLE, as CurlTransport does when
  // it stops. Tests call it last: pending callbacks may own their owners.
  void FailAll() {
    while (pending() > 0) Answer(absl::UnavailableError("transport stopped"));
  }

  // Every request started so far, in order.
  std::vector<HttpRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

  // The number of requests started so far.
  std::size_t started() const {
    absl::MutexLock lock(&mu_);
    return requests_.size();
  }

  // The number of requests not answered yet.
  std::size_t pending() const {
    absl::MutexLock lock(&mu_);
    return pending_.size();
  }

  // Waits until at least `n` requests are pending; returns false if that did
  // not happen within `timeout`.
  bool AwaitPending(std::size_t n, absl::Duration timeout = absl::Seconds(10)) const {
    struct Want {
      const FakeHttpTransport* transport;
      std::size_t n;
    } want{this, n};
    bool (*ready)(Want*) = [](Want* w) { return w->transport->pending_.size() >= w->n; };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(ready, &want), timeout);
  }

  // The oldest pending request (which must exist).
  HttpRequest front() const {
    absl::MutexLock lock(&mu_);
    return pending_.front().request;
  }

 private:
  struct Pending {
    HttpRequestId id;
    HttpRequest request;
    HttpCallback done;
  };
  mutable absl::Mutex mu_;
  HttpRequestId next_id_ = 1;
  std::vector<HttpRequest> requests_;
  std::deque<Pending> pending_;
};

// Returns a response with `status`, `body` and `headers`.
inline HttpResponse MakeHttpResponse(int status, std::string body,
                                     std::vector<HttpHeader> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

}  // namespace hss::gateway

#endif  // HSS_SERVER_TESTING_FAKE_HTTP_TRANSPORT_H_
