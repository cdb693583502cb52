#include "server/api/stream_ports_reactor.h"

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

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::StreamPortsRequest;

// The ListPortsRequest that fetches the pages of a StreamPorts walk (without limit/offset).
ListPortsRequest WalkQuery(const StreamPortsRequest& r) {
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

// The error of a stream that the gateway's drain ended: the caller continues
// it on another replica from `resume_offset`.
absl::Status DrainingError(int resume_offset) {
  return MakeError(
      absl::StatusCode::kUnavailable,
      absl::StrCat("the gateway is draining (shutting down): the stream ended after its last "
                   "complete page; call StreamPorts again (another replica answers) with "
                   "start_offset=",
                   resume_offset),
      kReasonGatewayDraining, {{std::string(kMetaResumeOffset), absl::StrCat(resume_offset)}});
}

// One StreamPorts call: walks the pages and writes each one, one write at a time.
// Shared ownership keeps it alive while a walk notification is running; gRPC's
// OnDone drops the self-reference. The project resolver and the walk hold only
// weak references, so neither keeps a call that ended alive. OnCancel ends the
// call at once, whatever it is waiting for (the project, a page, a write).
// The service's drain ends it after the write outstanding (Drain()).
class StreamPortsReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer>,
                                 public std::enable_shared_from_this<StreamPortsReactor> {
 public:
  // Pages of this many ports when the request leaves page_size at 0.
  static constexpr int kDefaultPageSize = 200;

  StreamPortsReactor(const PortServiceOptions& options, grpc::CallbackServerContext* context,
                     const StreamPortsRequest* request)
      : options_(options),
        context_(context),
        request_(*request),
        call_(MakeCallContext(options, *context)),
        caller_(CallerIfAuthorizing(options, *context)),
        start_(absl::Now()),
        delivered_offset_(request->start_offset()) {
    Metrics().RpcStarted(RpcMethod::kStreamPorts);
  }

  void Start(const std::shared_ptr<PortsConnection>& connection,
             const std::shared_ptr<DrainSignal>& drain) {
    self_ = shared_from_this();
    std::weak_ptr<StreamPortsReactor> weak = self_;
    {
      absl::MutexLock lock(&mu_);
      drain_ = drain;
    }
    // Runs at once when the drain has begun already.
    DrainSignal::Handle hook = drain->OnDrain([weak] {
      if (auto self = weak.lock()) self->Drain();
    });
    {
      absl::MutexLock lock(&mu_);
      drain_hook_ = hook;
    }
    ResolveProject(options_, request_.project_id(), call_,
                   [weak, connection](absl::StatusOr<std::string> project) {
                     auto self = weak.lock();
                     if (self == nullptr) return;  // The call ended meanwhile.
                     if (!project.ok()) {
                       absl::MutexLock lock(&self->mu_);
                       self->FinishLocked(project.status());
                       return;
                     }
                     self->Walk(*connection, *project);
                   });
  }

  void Walk(PortsConnection& connection, const std::string& project_id) {
    if (absl::Status status =
            Authorize(options_, caller_, "StreamPorts", project_id, request_.host_id());
        !status.ok()) {
      absl::MutexLock lock(&mu_);
      FinishLocked(std::move(status));
      return;
    }
    if (absl::Status status = ValidateStreamPortsRequest(request_, project_id); !status.ok()) {
      absl::MutexLock lock(&mu_);
      FinishLocked(std::move(status));
      return;
    }
    if (call_.cancellation->cancelled()) return;  // OnCancel finished the call.
    const int page_size = request_.page_size() == 0 ? kDefaultPageSize : request_.page_size();
    std::weak_ptr<StreamPortsReactor> weak = weak_from_this();
    auto walk = connection.NewWalk(call_, project_id, WalkQuery(request_), page_size,
                                   request_.start_offset(), [weak] {
                                     if (auto self = weak.lock()) self->Pump();
                                   });
    {
      absl::MutexLock lock(&mu_);
      walk_ = walk;
    }
    walk->Start();
    Pump();
  }

  void OnWriteDone(bool ok) override {
    bool drained = false;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (ok) delivered_offset_ = written_end_offset_;
      if (draining_ && !finished_) {
        FinishLocked(DrainingError(delivered_offset_));
        drained = true;
      }
    }
    // A failed write means the caller is gone, a drained stream fetches no
    // more: stop fetching.
    if (!ok || drained) call_.cancellation->Cancel();
    Pump();
  }

  // The gateway drains: ends the call now, or after the write outstanding,
  // with GATEWAY_DRAINING and the offset of the first port not delivered.
  void Drain() {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      draining_ = true;
      if (writing_) return;  // OnWriteDone finishes the call.
      FinishLocked(DrainingError(delivered_offset_));
    }
    // Without mu_: the walk's cancellation runs its notification (Pump).
    call_.cancellation->Cancel();
  }

  // The caller is gone (or its deadline passed): the walk (or the project
  // lookup's waiter) is cancelled, and the call ends now without waiting for
  // fetches in flight to report back.
  void OnCancel() override {
    call_.cancellation->Cancel();
    absl::MutexLock lock(&mu_);
    FinishLocked(CallerCancelledStatus(call_));
  }

  // Runs after every other reaction has returned, possibly on another thread.
  // Taking mu_ orders this reactor's destruction after the last reaction
  // (each ends by releasing mu_) in a way ThreadSanitizer sees: gRPC's own
  // hand-off to OnDone goes through libgrpc++'s uninstrumented atomics.
  void OnDone() override {
    std::shared_ptr<DrainSignal> drain;
    DrainSignal::Handle hook = 0;
    {
      absl::MutexLock lock(&mu_);
      drain = std::move(drain_);
      hook = drain_hook_;
    }
    if (drain != nullptr) drain->Unregister(hook);
    self_.reset();
  }

 private:
  // Moves the stream forward: writes the next page if no write is outstanding,
  // or finishes when the walk is over. Re-entrant calls (e.g. from a walk
  // notification during Next()) are folded into the running one.
  void Pump() {
    absl::MutexLock lock(&mu_);
    if (pumping_) {
      pump_again_ = true;
      return;
    }
    pumping_ = true;
    do {
      pump_again_ = false;
      if (finished_ || writing_ || walk_ == nullptr) break;
      std::shared_ptr<PageWalk> walk = walk_;
      mu_.Unlock();
      PageWalk::Step step = walk->Next();
      mu_.Lock();
      if (finished_) break;  // OnCancel finished the call meanwhile.
      if (step.kind == PageWalk::Step::kPage) {
        ports_ += step.page.ports_size();
        written_end_offset_ = step.page.offset() + step.page.ports_size();
        SerializeTo(step.page, current_);
        writing_ = true;
        Metrics().RpcMsgSent(RpcMethod::kStreamPorts);
        Metrics().StreamPageSent(step.page.ports_size());
        StartWrite(&current_);
      } else if (step.kind == PageWalk::Step::kDone) {
        FinishLocked(std::move(step.status));
      }
    } while (pump_again_);
    pumping_ = false;
  }

  void FinishLocked(absl::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    const PageWalk::Stats stats = walk_ != nullptr ? walk_->stats() : PageWalk::Stats();
    Finish(EndCall(options_, RpcMethod::kStreamPorts, "StreamPorts", *context_, call_, caller_,
                   start_, status, [&](CallRecord& record) {
                     record.host_id = request_.host_id();
                     record.http_status = stats.last_http_status;
                     record.request_id = stats.last_request_id;
                     record.pages = stats.pages_fetched;
                     record.ports = ports_;
                   }));
  }

  const PortServiceOptions& options_;
  // gRPC's, valid until OnDone.
  grpc::CallbackServerContext* const context_;
  const StreamPortsRequest request_;
  CallContext call_;
  const Caller caller_;
  const absl::Time start_;
  std::shared_ptr<StreamPortsReactor> self_;

  absl::Mutex mu_;
  std::shared_ptr<PageWalk> walk_ ABSL_GUARDED_BY(mu_);
  bool pumping_ ABSL_GUARDED_BY(mu_) = false;
  bool pump_again_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  long long ports_ ABSL_GUARDED_BY(mu_) = 0;
  // The page being written, serialized.
  grpc::ByteBuffer current_ ABSL_GUARDED_BY(mu_);
  // The offset of the first port the caller has not received (yet).
  int delivered_offset_ ABSL_GUARDED_BY(mu_);
  // The offset after the page being written.
  int written_end_offset_ ABSL_GUARDED_BY(mu_) = 0;
  // Set by Drain(): the call ends once the write outstanding is done.
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  // The service's drain signal and this call's action on it.
  std::shared_ptr<DrainSignal> drain_ ABSL_GUARDED_BY(mu_);
  DrainSignal::Handle drain_hook_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* StartStreamPorts(
    const PortServiceOptions& options, grpc::CallbackServerContext* context,
    StreamPortsRequest* request, std::shared_ptr<PortsConnection> connection,
    std::shared_ptr<DrainSignal> drain) {
  auto reactor = std::make_shared<StreamPortsReactor>(options, context, request);
  reactor->Start(std::move(connection), std::move(drain));
  return reactor.get();
}

}  // namespace hss::gateway
