#include "server/runtime/status_details.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/log.h"

namespace hss::gateway {
namespace {

template <typename Message>
std::string TypeUrl() {
  return absl::StrCat("type.googleapis.com/", Message::descriptor()->full_name());
}

template <typename Message>
void SetDetail(absl::Status& status, const Message& message) {
  if (status.ok()) return;
  status.SetPayload(TypeUrl<Message>(), absl::Cord(message.SerializeAsString()));
}

// Detail strings are proto3 strings: a caller-supplied value that is not
// UTF-8 (a certificate name, a header) would make the whole google.rpc.Status
// unparsable for strict clients. Invalid bytes become U+FFFD.
constexpr size_t kMaxDetailBytes = 1024;
std::string DetailText(absl::string_view value) { return ToValidUtf8(value, kMaxDetailBytes); }

template <typename Message>
std::optional<Message> GetDetail(const absl::Status& status) {
  auto payload = status.GetPayload(TypeUrl<Message>());
  if (!payload) return std::nullopt;
  Message message;
  if (!message.ParseFromString(std::string(*payload))) return std::nullopt;
  return message;
}

}  // namespace

absl::Status MakeError(absl::StatusCode code, absl::string_view message, absl::string_view reason,
                       const std::map<std::string, std::string>& metadata) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [key, value] : metadata) {
    (*info.mutable_metadata())[DetailText(key)] = DetailText(value);
  }
  SetDetail(status, info);
  return status;
}

void AddErrorMetadata(absl::Status& status, absl::string_view key, absl::string_view value) {
  auto info = GetDetail<google::rpc::ErrorInfo>(status).value_or(google::rpc::ErrorInfo());
  if (info.domain().empty()) info.set_domain(std::string(kErrorDomain));
  (*info.mutable_metadata())[DetailText(key)] = DetailText(value);
  SetDetail(status, info);
}

void SetRetryDelay(absl::Status& status, absl::Duration delay) {
  google::rpc::RetryInfo info;
  auto* d = info.mutable_retry_delay();
  d->set_seconds(absl::IDivDuration(delay, absl::Seconds(1), &delay));
  d->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(delay)));
  SetDetail(status, info);
}

void SetRequestId(absl::Status& status, absl::string_view request_id) {
  google::rpc::RequestInfo info;
  info.set_request_id(DetailText(request_id));
  SetDetail(status, info);
}

void SetFieldViolations(absl::Status& status,
                        const std::vector<google::rpc::BadRequest::FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  for (const auto& v : violations) {
    auto* added = bad_request.add_field_violations();
    added->set_field(DetailText(v.field()));
    added->set_description(DetailText(v.description()));
  }
  SetDetail(status, bad_request);
}

std::optional<google::rpc::ErrorInfo> GetErrorInfo(const absl::Status& status) {
  return GetDetail<google::rpc::ErrorInfo>(status);
}
std::optional<google::rpc::RetryInfo> GetRetryInfo(const absl::Status& status) {
  return GetDetail<google::rpc::RetryInfo>(status);
}
std::optional<google::rpc::RequestInfo> GetRequestInfo(const absl::Status& status) {
  return GetDetail<google::rpc::RequestInfo>(status);
}
std::optional<google::rpc::BadRequest> GetBadRequest(const absl::Status& status) {
  return GetDetail<google::rpc::BadRequest>(status);
}

absl::Status CallerCancelledError() {
  return MakeError(absl::StatusCode::kCancelled, "the caller cancelled the call", kReasonCancelled);
}

}  // namespace hss::gateway
