#include "server/api/grpc_status.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

namespace {

// Where a detail goes in google.rpc.Status.details: the documented order,
// whatever order the absl::Status holds them in (absl::Status does not keep
// one), so both RPCs send the same order for the same error.
int DetailRank(absl::string_view type_url) {
  constexpr absl::string_view kOrder[] = {
      "type.googleapis.com/google.rpc.ErrorInfo", "type.googleapis.com/google.rpc.BadRequest",
      "type.googleapis.com/google.rpc.RetryInfo", "type.googleapis.com/google.rpc.RequestInfo"};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i) {
    if (type_url == kOrder[i]) return i;
  }
  return static_cast<int>(std::size(kOrder));
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::StatusCode and grpc::StatusCode share the canonical numbering.
  const auto code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  std::vector<std::pair<std::string, std::string>> details;
  status.ForEachPayload([&details](absl::string_view type_url, const absl::Cord& value) {
    if (!absl::StartsWith(type_url, "type.googleapis.com/google.rpc.")) return;
    details.emplace_back(std::string(type_url), std::string(value));
  });
  std::stable_sort(details.begin(), details.end(), [](const auto& a, const auto& b) {
    const int ra = DetailRank(a.first);
    const int rb = DetailRank(b.first);
    return ra != rb ? ra < rb : a.first < b.first;
  });
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(std::string(status.message()));
  for (auto& [type_url, value] : details) {
    auto* any = proto.add_details();
    any->set_type_url(std::move(type_url));
    any->set_value(std::move(value));
  }
  return grpc::Status(code, std::string(status.message()), proto.SerializeAsString());
}

std::optional<std::string> RetryPushbackMs(const absl::Status& status) {
  if (status.ok()) return std::nullopt;
  std::optional<google::rpc::RetryInfo> retry = GetRetryInfo(status);
  if (!retry.has_value() || !retry->has_retry_delay()) return std::nullopt;
  const absl::Duration delay = absl::Seconds(retry->retry_delay().seconds()) +
                               absl::Nanoseconds(retry->retry_delay().nanos());
  if (delay < absl::ZeroDuration()) return std::nullopt;
  return absl::StrCat(absl::ToInt64Milliseconds(absl::Ceil(delay, absl::Milliseconds(1))));
}

}  // namespace hss::gateway
