#include "server/api/list_ports_reactor.h"

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
using hss::ports::v1::ListPortsResponse;

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
    if (status.ok()) Metrics().RpcMsgSent(RpcMethod::kListPorts);
    Finish(EndCall(options_, RpcMethod::kListPorts, "ListPorts", *context_, call_, caller_, start_,
                   status, [&](CallRecord& record) {
                     record.host_id = request_.host_id();
                     record.http_status = http_status;
                     record.request_id = request_id;
                     record.pages = http_status != 0 ? 1 : 0;
                     record.ports = status.ok() ? response_.data_list_size() : 0;
                   }));
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

}  // namespace

grpc::ServerUnaryReactor* StartListPorts(const PortServiceOptions& options,
                                         grpc::CallbackServerContext* context,
                                         ListPortsRequest* request, grpc::ByteBuffer* response,
                                         std::shared_ptr<PortsConnection> connection) {
  auto reactor = std::make_shared<ListPortsReactor>(options, context, request, response);
  reactor->Start(std::move(connection));
  return reactor.get();
}

}  // namespace hss::gateway
