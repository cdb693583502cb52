#include "server/api/watch_ports_reactor.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/api/call_log.h"
#include "server/api/call_setup.h"
#include "server/api/grpc_status.h"
#include "server/api/request_validator.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/log.h"
#include "server/runtime/metrics_recorder.h"
#include "server/runtime/status_details.h"
#include "server/watch/watch_message.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::WatchPortsRequest;

// A buffer holding `message`'s serialized bytes without copying them (every
// watcher of a poller writes the same bytes); the slice keeps the message
// alive until gRPC is done with it.
grpc::ByteBuffer SharedBytes(SharedWatchMessage message) {
  auto* keep = new SharedWatchMessage(std::move(message));
  grpc::Slice slice(
      const_cast<char*>((*keep)->bytes.data()), (*keep)->bytes.size(),
      [](void* p) { delete static_cast<SharedWatchMessage*>(p); }, keep);
  return grpc::ByteBuffer(&slice, 1);
}

// The ListPortsRequest a WatchPorts poller walks (its filters; no limit/offset).
ListPortsRequest WatchQuery(const WatchPortsRequest& r) {
  ListPortsRequest q;
  q.set_project_id(r.project_id());
  q.set_host_id(r.host_id());
  q.set_host_name(r.host_name());
  q.set_host_ip(r.host_ip());
  if (r.has_port()) q.set_port(r.port());
  q.set_type(r.type());
  q.set_status(r.status());
  q.set_enterprise_project_id(r.enterprise_project_id());
  q.set_category(r.category());
  return q;
}

// The error of a watch that the gateway's drain ended.
absl::Status WatchDrainingError() {
  return MakeError(absl::StatusCode::kUnavailable,
                   "the gateway is draining (shutting down): call WatchPorts again (another "
                   "replica answers); its first messages are the current ports (reset)",
                   kReasonGatewayDraining);
}

// One WatchPorts call: joins the poller of its (identity, project, filters)
// and writes the messages the poller queues for it, one write at a time (the
// queue is bounded: a watcher that falls behind gets a reset snapshot). Like
// StreamPortsReactor: shared ownership while a notification runs, OnDone drops
// the self-reference, OnCancel ends the call at once (DEADLINE_EXCEEDED when
// the deadline passed), the drain ends it after the write outstanding.
// Leaving the poller (the last watcher stops it) happens in OnDone.
class WatchPortsReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                                public std::enable_shared_from_this<WatchPortsReactor> {
 public:
  WatchPortsReactor(const PortServiceOptions& options, grpc::CallbackServerContext* context,
                    const WatchPortsRequest* request)
      : options_(options),
        context_(context),
        request_(*request),
        call_(MakeCallContext(options, *context)),
        caller_(CallerIfAuthorizing(options, *context)),
        start_(absl::Now()) {
    Metrics().RpcStarted(RpcMethod::kWatchPorts);
  }

  void Start(const std::shared_ptr<DrainSignal>& drain) {
    self_ = shared_from_this();
    std::weak_ptr<WatchPortsReactor> weak = self_;
    {
      absl::MutexLock lock(&mu_);
      drain_ = drain;
    }
    DrainSignal::Handle hook = drain->OnDrain([weak] {
      if (auto self = weak.lock()) self->Drain();
    });
    {
      absl::MutexLock lock(&mu_);
      drain_hook_ = hook;
    }
    ResolveProject(options_, request_.project_id(), call_,
                   [weak](absl::StatusOr<std::string> project) {
                     auto self = weak.lock();
                     if (self == nullptr) return;  // The call ended meanwhile.
                     if (!project.ok()) {
                       absl::MutexLock lock(&self->mu_);
                       self->FinishLocked(project.status());
                       return;
                     }
                     self->Watch(*project);
                   });
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        // The caller is gone.
        FinishLocked(MakeError(absl::StatusCode::kCancelled, "the caller stopped reading the watch",
                               "CANCELLED"));
        return;
      }
      ++messages_;
      if (draining_) {
        FinishLocked(WatchDrainingError());
        return;
      }
    }
    Pump();
  }

  // The gateway drains: ends the call now, or after the write outstanding.
  void Drain() {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    draining_ = true;
    if (!writing_) FinishLocked(WatchDrainingError());
  }

  void OnCancel() override {
    call_.cancellation->Cancel();
    absl::MutexLock lock(&mu_);
    FinishLocked(CallerCancelledStatus(call_));
  }

  void OnDone() override {
    std::shared_ptr<DrainSignal> drain;
    DrainSignal::Handle hook = 0;
    std::unique_ptr<Watcher> watcher;
    {
      absl::MutexLock lock(&mu_);
      drain = std::move(drain_);
      hook = drain_hook_;
      watcher = std::move(watcher_);
    }
    if (drain != nullptr) drain->Unregister(hook);
    // Without mu_: leaving may stop the poller and cancel its walk.
    watcher.reset();
    self_.reset();
  }

 private:
  void Watch(const std::string& project_id) {
    if (absl::Status status =
            Authorize(options_, caller_, "WatchPorts", project_id, request_.host_id());
        !status.ok()) {
      absl::MutexLock lock(&mu_);
      FinishLocked(std::move(status));
      return;
    }
    if (absl::Status status = ValidateWatchPortsRequest(request_, project_id); !status.ok()) {
      absl::MutexLock lock(&mu_);
      FinishLocked(std::move(status));
      return;
    }
    if (call_.cancellation->cancelled()) return;  // OnCancel finished the call.
    std::weak_ptr<WatchPortsReactor> weak = weak_from_this();
    // Without mu_: a late joiner is notified (Pump) from inside Join.
    std::unique_ptr<Watcher> watcher =
        options_.watch->Join(call_, project_id, WatchQuery(request_),
                             absl::Seconds(request_.interval_seconds()), [weak] {
                               if (auto self = weak.lock()) self->Pump();
                             });
    bool ended = false;
    {
      absl::MutexLock lock(&mu_);
      ended = finished_;
      if (!ended) watcher_ = std::move(watcher);
    }
    // A call that ended meanwhile leaves the poller here, outside the lock.
    if (!ended) Pump();
  }

  // Writes the next queued message if no write is outstanding, or finishes
  // when the poller ended the watch.
  void Pump() {
    absl::MutexLock lock(&mu_);
    if (finished_ || writing_ || watcher_ == nullptr) return;
    PortPoller::Next next = watcher_->Next();
    if (next.message != nullptr) {
      changes_ += next.message->response.changes_size();
      current_ = SharedBytes(std::move(next.message));
      writing_ = true;
      Metrics().RpcMsgSent(RpcMethod::kWatchPorts);
      StartWrite(&current_);
    } else if (next.end.has_value()) {
      FinishLocked(*std::move(next.end));
    }
  }

  void FinishLocked(absl::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(EndCall(options_, RpcMethod::kWatchPorts, "WatchPorts", *context_, call_, caller_,
                   start_, status, [&](CallRecord& record) {
                     record.host_id = request_.host_id();
                     record.pages = watcher_ != nullptr ? watcher_->stats().started_polls : 0;
                     record.ports = changes_;
                   }));
  }

  const PortServiceOptions& options_;
  // gRPC's, valid until OnDone.
  grpc::CallbackServerContext* const context_;
  const WatchPortsRequest request_;
  CallContext call_;
  const Caller caller_;
  const absl::Time start_;
  std::shared_ptr<WatchPortsReactor> self_;

  absl::Mutex mu_;
  std::unique_ptr<Watcher> watcher_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  long long messages_ ABSL_GUARDED_BY(mu_) = 0;
  long long changes_ ABSL_GUARDED_BY(mu_) = 0;
  // The message being written, serialized.
  grpc::ByteBuffer current_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<DrainSignal> drain_ ABSL_GUARDED_BY(mu_);
  DrainSignal::Handle drain_hook_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* StartWatchPorts(const PortServiceOptions& options,
                                                            grpc::CallbackServerContext* context,
                                                            WatchPortsRequest* request,
                                                            std::shared_ptr<DrainSignal> drain) {
  auto reactor = std::make_shared<WatchPortsReactor>(options, context, request);
  reactor->Start(std::move(drain));
  return reactor.get();
}

}  // namespace hss::gateway
