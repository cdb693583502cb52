#include "server/port_service.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "server/call_log.h"
#include "server/grpc_status.h"
#include "server/request_validator.h"
#include "server/status_details.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

CallContext MakeCallContext(const grpc::CallbackServerContext& context) {
  CallContext call;
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    call.deadline = absl::FromChrono(deadline);
  }
  call.passthrough_token = PassthroughTokenFromMetadata(context.client_metadata());
  return call;
}

// One ListPorts call: validate, fetch one page, finish.
class ListPortsReactor final : public grpc::ServerUnaryReactor {
 public:
  ListPortsReactor(const PortServiceOptions& options, grpc::CallbackServerContext* context,
                   const ListPortsRequest* request, ListPortsResponse* response)
      : options_(options),
        request_(request),
        response_(response),
        call_(MakeCallContext(*context)),
        start_(absl::Now()) {}

  void Start(PortsConnection& connection) {
    if (absl::Status status = ValidateListPortsRequest(*request_, options_.default_project_id);
        !status.ok()) {
      Done(std::move(status));
      return;
    }
    const std::string& project_id =
        request_->project_id().empty() ? options_.default_project_id : request_->project_id();
    connection.AsyncListPorts(call_, project_id, *request_, [this](absl::StatusOr<PortsPage> page) {
      if (!page.ok()) {
        Done(page.status());
        return;
      }
      http_status_ = page->http_status;
      request_id_ = std::move(page->request_id);
      *response_ = std::move(page->response);
      Done(absl::OkStatus());
    });
  }

  void OnCancel() override { call_.cancellation->Cancel(); }
  void OnDone() override { delete this; }

 private:
  void Done(absl::Status status) {
    if (!status.ok()) {
      if (auto info = GetErrorInfo(status)) {
        const auto& meta = info->metadata();
        if (auto it = meta.find(std::string(kMetaHttpStatus)); it != meta.end()) {
          http_status_ = std::atoi(it->second.c_str());
        }
        if (auto it = meta.find(std::string(kMetaUpstreamRequestId)); it != meta.end()) {
          request_id_ = it->second;
        }
      }
    }
    if (options_.log_calls) {
      CallRecord record;
      record.method = "ListPorts";
      record.host_id = request_->host_id();
      record.status = status;
      record.http_status = http_status_;
      record.latency = absl::Now() - start_;
      record.request_id = request_id_;
      record.pages = http_status_ != 0 ? 1 : 0;
      record.ports = status.ok() ? response_->data_list_size() : 0;
      WriteLogLine(FormatCallRecord(record, absl::Now()));
    }
    Finish(ToGrpcStatus(status));
  }

  const PortServiceOptions& options_;
  const ListPortsRequest* const request_;
  ListPortsResponse* const response_;
  CallContext call_;
  const absl::Time start_;
  int http_status_ = 0;
  std::string request_id_;
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
                                                 const ListPortsRequest* request,
                                                 ListPortsResponse* response) {
  auto* reactor = new ListPortsReactor(options_, context, request, response);
  reactor->Start(*connection_);
  return reactor;
}

grpc::ServerWriteReactor<StreamPortsResponse>* PortService::StreamPorts(
    grpc::CallbackServerContext* context, const StreamPortsRequest* request) {
  class Unimplemented final : public grpc::ServerWriteReactor<StreamPortsResponse> {
   public:
    Unimplemented() {
      Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "StreamPorts is not implemented yet"));
    }
    void OnDone() override { delete this; }
  };
  return new Unimplemented();
}

}  // namespace hss::gateway
