#include "server/api/grpc_status.h"

#include <string>

#include "absl/strings/match.h"
#include "google/rpc/status.pb.h"

namespace hss::gateway {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share the canonical numbering.
  const auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(std::string(status.message()));
  status.ForEachPayload([&proto](absl::string_view type_url, const absl::Cord& value) {
    if (!absl::StartsWith(type_url, "type.googleapis.com/google.rpc.")) return;
    auto* any = proto.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  return grpc::Status(code, std::string(status.message()), proto.SerializeAsString());
}

}  // namespace hss::gateway
