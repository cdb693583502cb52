#include "client/output/error_details.h"

#include "absl/strings/numbers.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/status.pb.h"

namespace hss::client {
namespace {

// Unpacks `any` into `slot` if it holds a `Message` and `slot` is still empty.
// Returns true if `any` holds a `Message` (decodable or not).
template <typename Message>
bool TryUnpack(const google::protobuf::Any& any, std::optional<Message>& slot,
               std::vector<std::string>& other_type_urls) {
  if (!any.Is<Message>()) return false;
  Message message;
  if (!any.UnpackTo(&message)) {
    other_type_urls.push_back(any.type_url() + " (undecodable)");
  } else if (!slot.has_value()) {
    slot = std::move(message);
  }
  return true;
}

}  // namespace

ErrorDetails DecodeErrorDetails(const grpc::Status& status) {
  ErrorDetails details;
  const std::string bytes = status.error_details();
  if (bytes.empty()) return details;
  google::rpc::Status rpc_status;
  if (!rpc_status.ParseFromString(bytes)) {
    details.malformed = true;
    return details;
  }
  for (const google::protobuf::Any& any : rpc_status.details()) {
    auto& others = details.other_type_urls;
    if (TryUnpack(any, details.error_info, others) ||
        TryUnpack(any, details.request_info, others) ||
        TryUnpack(any, details.retry_info, others) || TryUnpack(any, details.bad_request, others)) {
      continue;
    }
    others.push_back(any.type_url());
  }
  return details;
}

std::optional<std::int32_t> ResumeOffset(const ErrorDetails& details) {
  if (!details.error_info) return std::nullopt;
  const auto& metadata = details.error_info->metadata();
  const auto it = metadata.find(std::string(kResumeOffsetKey));
  if (it == metadata.end()) return std::nullopt;
  std::int32_t offset;
  if (!absl::SimpleAtoi(it->second, &offset) || offset < 0) return std::nullopt;
  return offset;
}

}  // namespace hss::client
