#ifndef HSS_SERVER_TESTING_COUNTING_METRICS_RECORDER_H_
#define HSS_SERVER_TESTING_COUNTING_METRICS_RECORDER_H_

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/runtime/metrics_recorder.h"

namespace hss::gateway {

// A MetricsRecorder that keeps every event, for tests (install it with
// ScopedMetricsRecorder). Thread-safe; takes a lock, unlike a real recorder.
class CountingMetricsRecorder final : public MetricsRecorder {
 public:
  // One RpcHandled() event.
  struct Handled {
    RpcMethod method;
    int grpc_code;
  };
  // One UpstreamRequest() event.
  struct Upstream {
    int http_status;
    std::string error_code;
  };

  void RpcStarted(RpcMethod method) override {
    absl::MutexLock lock(&mu_);
    started_.push_back(method);
  }
  void RpcHandled(RpcMethod method, int grpc_code, absl::Duration) override {
    absl::MutexLock lock(&mu_);
    handled_.push_back({method, grpc_code});
  }
  void RpcMsgSent(RpcMethod method) override {
    absl::MutexLock lock(&mu_);
    sent_.push_back(method);
  }
  void StreamPageSent(int ports) override {
    absl::MutexLock lock(&mu_);
    stream_pages_.push_back(ports);
  }
  void UpstreamRequest(int http_status, absl::string_view error_code, absl::Duration) override {
    absl::MutexLock lock(&mu_);
    upstream_.push_back({http_status, std::string(error_code)});
  }
  void IamTokenRefresh(bool ok) override {
    absl::MutexLock lock(&mu_);
    iam_.push_back(ok);
  }

  std::vector<RpcMethod> started() const {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  std::vector<Handled> handled() const {
    absl::MutexLock lock(&mu_);
    return handled_;
  }
  std::vector<RpcMethod> sent() const {
    absl::MutexLock lock(&mu_);
    return sent_;
  }
  std::vector<int> stream_pages() const {
    absl::MutexLock lock(&mu_);
    return stream_pages_;
  }
  std::vector<Upstream> upstream() const {
    absl::MutexLock lock(&mu_);
    return upstream_;
  }
  std::vector<bool> iam() const {
    absl::MutexLock lock(&mu_);
    return iam_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<RpcMethod> started_ ABSL_GUARDED_BY(mu_);
  std::vector<Handled> handled_ ABSL_GUARDED_BY(mu_);
  std::vector<RpcMethod> sent_ ABSL_GUARDED_BY(mu_);
  std::vector<int> stream_pages_ ABSL_GUARDED_BY(mu_);
  std::vector<Upstream> upstream_ ABSL_GUARDED_BY(mu_);
  std::vector<bool> iam_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_TESTING_COUNTING_METRICS_RECORDER_H_
