#include "server/api/port_service.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/aksk_signer.h"
#include "server/api/call_log.h"
#include "server/api/caller_identity.h"
#include "server/api/grpc_status.h"
#include "server/api/request_parser.h"
#include "server/api/request_validator.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/log.h"
#include "server/runtime/metrics_recorder.h"
#include "server/runtime/status_details.h"
#include "server/runtime/trace_context.h"
#include "server/watch/watch_message.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;
using hss::ports::v1::WatchPortsRequest;
using hss::ports::v1::WatchPortsResponse;

// Every value of metadata `key`, joined with ',' (how HTTP combines repeated
// headers; a tracestate may come split across several).
std::string MetadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                          absl::string_view key) {
  std::string joined;
  const auto [begin, end] = metadata.equal_range(grpc::string_ref(key.data(), key.size()));
  for (auto it = begin; it != end; ++it) {
    if (!joined.empty()) joined.push_back(',');
    joined.append(it->second.data(), it->second.size());
  }
  return joined;
}

// Serializes `message` into `out` (replacing what it held) as gRPC would for a
// typed method.
template <typename Message>
void SerializeTo(const Message& message, grpc::ByteBuffer& out) {
  out.Clear();  // gRPC's writer fills an empty buffer only.
  bool own_buffer = false;
  // Serializing an in-memory message into a fresh buffer does not fail.
  (void)grpc::SerializationTraits<Message>::Serialize(message, &out, &own_buffer);
}

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

CallContext MakeCallContext(const PortServiceOptions& options,
                            const grpc::CallbackServerContext& context) {
  CallContext call;
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    call.deadline = absl::FromChrono(deadline);
  }
  const auto& metadata = context.client_metadata();
  call.passthrough_token = PassthroughTokenFromMetadata(metadata);
  call.upstream_identity = options.gateway_identity;
  if (call.upstream_identity.empty() && !call.passthrough_token.empty()) {
    // Quotas, coalescing and the cache are per caller token; only a hash is kept.
    call.upstream_identity =
        absl::StrCat("token:", hss::HexSha256(call.passthrough_token).substr(0, 32));
  }
  call.trace = JoinOrStartTrace(MetadataValue(metadata, "traceparent"),
                                MetadataValue(metadata, "tracestate"));
  if (auto it = metadata.find("cache-control"); it != metadata.end()) {
    call.bypass_cache = absl::StrContains(
        absl::AsciiStrToLower(absl::string_view(it->second.data(), it->second.size())), "no-cache");
  }
  return call;
}

// Calls `done` with the project of a request: its own, else the gateway's
// default, else (gateway-owned credentials, a region, no default) the one IAM
// names for the region. "" when there is none: validation then says so.
void ResolveProject(const PortServiceOptions& options, const std::string& requested,
                    const CallContext& call, ProjectIdCallback done) {
  if (!requested.empty()) {
    std::move(done)(requested);
  } else if (!options.default_project_id.empty() || options.project_resolver == nullptr ||
             options.region.empty()) {
    std::move(done)(options.default_project_id);
  } else {
    options.project_resolver->Resolve(options.region, call, std::move(done));
  }
}

// The caller, when a policy is set (its identities are read only then).
Caller CallerIfAuthorizing(const PortServiceOptions& options,
                           const grpc::CallbackServerContext& context) {
  if (options.authz == nullptr) return Caller();
  return CallerOf(context, options.authz_trusted_identity_header);
}

// OK when no policy is set or the policy allows the call.
absl::Status Authorize(const PortServiceOptions& options, const Caller& caller,
                       absl::string_view method, const std::string& project_id,
                       const std::string& host_id) {
  if (options.authz == nullptr) return absl::OkStatus();
  return options.authz->policy()->Check(caller, method, project_id, host_id);
}

// A cancellation this close before the deadline counts as the deadline: the
// clock gRPC's deadline timer runs on and absl::Now() may differ slightly.
constexpr absl::Duration kDeadlineClockSlack = absl::Milliseconds(1);

// The status of a call that gRPC cancelled (OnCancel): the caller's deadline
// passed, or the caller (or the server's shutdown) cancelled it.
absl::Status CallerCancelledStatus(const CallContext& call) {
  if (absl::Now() >= call.deadline - kDeadlineClockSlack) {
    return MakeError(absl::StatusCode::kDeadlineExceeded,
                     "the caller's deadline expired before the call ended", "DEADLINE_EXCEEDED");
  }
  return MakeError(absl::StatusCode::kCancelled, "the caller cancelled the call", "CANCELLED");
}

// One ListPorts call: validate, fetch one page, finish. Owned by itself from
// Start() to OnDone(); the project resolver and the upstream hold only weak
// references, so an answer that arrives after the call ended finds nothing.
// Whichever of the upstream answer and OnCancel comes first finishes the call.
class ListPortsReactor final : public grpc::ServerUnaryReactor,
                               public std::enable_shared_from_this<ListPortsReactor> {
 public:
  ListPortsReactor(const PortServiceOptions& options, grpc::CallbackServerContext* context,
                   const ListPortsRequest* request, grpc::ByteBuffer* response)
      : options_(options),
        context_(context),
        request_(*request),
        response_bytes_(response),
        call_(MakeCallContext(options, *context)),
        caller_(CallerIfAuthorizing(options, *context)),
        start_(absl::Now()) {
    Metrics().RpcStarted(RpcMethod::kListPorts);
  }

  void Start(const std::shared_ptr<PortsConnection>& connection) {
    self_ = shared_from_this();
    std::weak_ptr<ListPortsReactor> weak = self_;
    ResolveProject(options_, request_.project_id(), call_,
                   [weak, connection](absl::StatusOr<std::string> project) {
                     auto self = weak.lock();
                     if (self == nullptr) return;  // The call ended meanwhile.
                     if (!project.ok()) {
                       self->Done(project.status());
                       return;
                     }
                     self->Fetch(*connection, *project);
                   });
  }

  // The caller is gone (or its deadline passed): the upstream work is
  // cancelled and the call ends now, without waiting for it to report back.
  void OnCancel() override {
    call_.cancellation->Cancel();
    Done(CallerCancelledStatus(call_));
  }

  // Runs after every other reaction has returned, possibly on another thread.
  // Taking mu_ orders this reactor's destruction after the last Done() (which
  // ran under mu_) in a way ThreadSanitizer sees: gRPC's own hand-off to
  // OnDone goes through libgrpc++'s uninstrumented atomics.
  void OnDone() override {
    { absl::MutexLock lock(&mu_); }
    self_.reset();
  }

 private:
  void Fetch(PortsConnection& connection, const std::string& project_id) {
    if (absl::Status status =
            Authorize(options_, caller_, "ListPorts", project_id, request_.host_id());
        !status.ok()) {
      Done(std::move(status));
      return;
    }
    if (absl::Status status = ValidateListPortsRequest(request_, project_id); !status.ok()) {
      Done(std::move(status));
      return;
    }
    if (call_.cancellation->cancelled()) return;  // OnCancel finished the call.
    std::weak_ptr<ListPortsReactor> weak = weak_from_this();
    connection.AsyncListPorts(call_, project_id, request_, [weak](absl::StatusOr<PortsPage> page) {
      if (auto self = weak.lock()) {
        if (page.ok()) {
          self->Done(absl::OkStatus(), &*page);
        } else {
          self->Done(page.status());
        }
      }
    });
  }

  // Finishes the call with `status` (and, when OK, `page` as the response),
  // unless it was finished already.
  void Done(absl::Status status, PortsPage* page = nullptr) {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    finished_ = true;
    // Only the first Done() gets here: response_bytes_ is gRPC's after Finish().
    int http_status = 0;
    std::string request_id;
    if (page != nullptr) {
      http_status = page->http_status;
      request_id = std::move(page->request_id);
      response_ = std::move(page->response);
      SerializeTo(response_, *response_bytes_);
    } else if (auto info = GetErrorInfo(status)) {
      const auto& meta = info->metadata();
      if (auto it = meta.find(std::string(kMetaHttpStatus)); it != meta.end()) {
        http_status = std::atoi(it->second.c_str());
      }
      if (auto it = meta.find(std::string(kMetaUpstreamRequestId)); it != meta.end()) {
        request_id = it->second;
      }
    }
    const absl::Time now = absl::Now();
    grpc::Status grpc_status = ToGrpcStatus(status);
    if (status.ok()) Metrics().RpcMsgSent(RpcMethod::kListPorts);
    Metrics().RpcHandled(RpcMethod::kListPorts, grpc_status.error_code(), now - start_);
    if (options_.log_calls) {
      CallRecord record;
      record.method = "ListPorts";
      record.host_id = request_.host_id();
      record.status = status;
      record.http_status = http_status;
      record.latency = now - start_;
      record.request_id = request_id;
      record.pages = http_status != 0 ? 1 : 0;
      record.trace_id = call_.trace.trace_id;
      record.span_id = call_.trace.span_id;
      record.ports = status.ok() ? response_.data_list_size() : 0;
      const std::string caller = options_.authz != nullptr ? caller_.primary() : "";
      record.caller = caller;
      WriteLogLine(FormatCallRecord(record, now));
    }
    if (auto pushback = RetryPushbackMs(status)) {
      context_->AddTrailingMetadata(kRetryPushbackTrailer, *pushback);
    }
    Finish(grpc_status);
  }

  const PortServiceOptions& options_;
  // gRPC's, valid until OnDone.
  grpc::CallbackServerContext* const context_;
  // A copy: an upstream answer may still be running when gRPC frees the call.
  const ListPortsRequest request_;
  // gRPC's: the serialized response_.
  grpc::ByteBuffer* const response_bytes_;
  ListPortsResponse response_;
  CallContext call_;
  const Caller caller_;
  const absl::Time start_;
  std::shared_ptr<ListPortsReactor> self_;

  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

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
    grpc::Status grpc_status = ToGrpcStatus(status);
    Metrics().RpcHandled(RpcMethod::kStreamPorts, grpc_status.error_code(), absl::Now() - start_);
    if (options_.log_calls) {
      PageWalk::Stats stats = walk_ != nullptr ? walk_->stats() : PageWalk::Stats();
      CallRecord record;
      record.method = "StreamPorts";
      record.host_id = request_.host_id();
      record.status = status;
      record.http_status = stats.last_http_status;
      record.latency = absl::Now() - start_;
      record.request_id = stats.last_request_id;
      record.pages = stats.pages_fetched;
      record.trace_id = call_.trace.trace_id;
      record.span_id = call_.trace.span_id;
      record.ports = ports_;
      const std::string caller = options_.authz != nullptr ? caller_.primary() : "";
      record.caller = caller;
      WriteLogLine(FormatCallRecord(record, absl::Now()));
    }
    if (auto pushback = RetryPushbackMs(status)) {
      context_->AddTrailingMetadata(kRetryPushbackTrailer, *pushback);
    }
    Finish(grpc_status);
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

// A server-streaming call refused before it started: finishes at once.
class RefusedWriteReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  explicit RefusedWriteReactor(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

// Ends a call whose request bytes did not parse: counted, logged (without a
// host, which the bytes did not yield) and answered with `status`.
grpc::Status RefuseUnparsable(const PortServiceOptions& options, RpcMethod method,
                              absl::string_view method_name, const absl::Status& status) {
  Metrics().RpcStarted(method);
  grpc::Status grpc_status = ToGrpcStatus(status);
  Metrics().RpcHandled(method, grpc_status.error_code(), absl::ZeroDuration());
  if (options.log_calls) {
    CallRecord record;
    record.method = std::string(method_name);
    record.status = status;
    WriteLogLine(FormatCallRecord(record, absl::Now()));
  }
  return grpc_status;
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
    grpc::Status grpc_status = ToGrpcStatus(status);
    Metrics().RpcHandled(RpcMethod::kWatchPorts, grpc_status.error_code(), absl::Now() - start_);
    if (options_.log_calls) {
      CallRecord record;
      record.method = "WatchPorts";
      record.host_id = request_.host_id();
      record.status = status;
      record.latency = absl::Now() - start_;
      record.pages = watcher_ != nullptr ? watcher_->stats().started_polls : 0;
      record.trace_id = call_.trace.trace_id;
      record.span_id = call_.trace.span_id;
      record.ports = changes_;
      const std::string caller = options_.authz != nullptr ? caller_.primary() : "";
      record.caller = caller;
      WriteLogLine(FormatCallRecord(record, absl::Now()));
    }
    if (auto pushback = RetryPushbackMs(status)) {
      context_->AddTrailingMetadata(kRetryPushbackTrailer, *pushback);
    }
    Finish(grpc_status);
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

std::string PassthroughTokenFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  if (auto it = metadata.find("x-auth-token"); it != metadata.end()) {
    return std::string(it->second.data(), it->second.size());
  }
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    constexpr absl::string_view kBearer = "bearer ";
    if (value.size() > kBearer.size() && absl::StartsWithIgnoreCase(value, kBearer)) {
      return std::string(absl::StripAsciiWhitespace(value.substr(kBearer.size())));
    }
  }
  return "";
}

PortService::PortService(PortServiceOptions options, std::shared_ptr<PortsConnection> connection)
    : options_(std::move(options)), connection_(std::move(connection)) {}

grpc::ServerUnaryReactor* PortService::ListPorts(grpc::CallbackServerContext* context,
                                                 const grpc::ByteBuffer* request_bytes,
                                                 grpc::ByteBuffer* response) {
  ListPortsRequest request;
  if (absl::Status status = ParseRequest(*request_bytes, request); !status.ok()) {
    grpc::ServerUnaryReactor* refused = context->DefaultReactor();
    refused->Finish(RefuseUnparsable(options_, RpcMethod::kListPorts, "ListPorts", status));
    return refused;
  }
  auto reactor = std::make_shared<ListPortsReactor>(options_, context, &request, response);
  reactor->Start(connection_);
  return reactor.get();
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* PortService::StreamPorts(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes) {
  StreamPortsRequest request;
  if (absl::Status status = ParseRequest(*request_bytes, request); !status.ok()) {
    return new RefusedWriteReactor(
        RefuseUnparsable(options_, RpcMethod::kStreamPorts, "StreamPorts", status));
  }
  auto reactor = std::make_shared<StreamPortsReactor>(options_, context, &request);
  reactor->Start(connection_, drain_);
  return reactor.get();
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* PortService::WatchPorts(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request_bytes) {
  if (options_.watch == nullptr) {
    return new RefusedWriteReactor(
        grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "WatchPorts is not enabled on this server"));
  }
  WatchPortsRequest request;
  if (absl::Status status = ParseRequest(*request_bytes, request); !status.ok()) {
    return new RefusedWriteReactor(
        RefuseUnparsable(options_, RpcMethod::kWatchPorts, "WatchPorts", status));
  }
  auto reactor = std::make_shared<WatchPortsReactor>(options_, context, &request);
  reactor->Start(drain_);
  return reactor.get();
}

void PortService::EndStreamsForDrain() { drain_->Drain(); }

}  // namespace hss::gateway
