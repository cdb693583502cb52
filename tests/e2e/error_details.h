#ifndef HSS_TESTS_E2E_ERROR_DETAILS_H_
#define HSS_TESTS_E2E_ERROR_DETAILS_H_

#include <grpcpp/support/status.h>

#include <optional>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace hss::testing {

// The google.rpc details of a gRPC error, decoded as any client would.
struct DecodedError {
  // False if grpc-status-details-bin was missing or not a google.rpc.Status.
  bool has_details = false;
  // The google.rpc.Status code, which must equal the gRPC code.
  int code = 0;
  std::optional<google::rpc::ErrorInfo> error_info;
  std::optional<google::rpc::RetryInfo> retry_info;
  std::optional<google::rpc::RequestInfo> request_info;
  std::optional<google::rpc::BadRequest> bad_request;
};

// Decodes `status.error_details()`.
inline DecodedError Decode(const grpc::Status& status) {
  DecodedError out;
  google::rpc::Status proto;
  if (status.error_details().empty() || !proto.ParseFromString(status.error_details())) return out;
  out.has_details = true;
  out.code = proto.code();
  for (const auto& any : proto.details()) {
    if (google::rpc::ErrorInfo m; any.UnpackTo(&m)) out.error_info = m;
    if (google::rpc::RetryInfo m; any.UnpackTo(&m)) out.retry_info = m;
    if (google::rpc::RequestInfo m; any.UnpackTo(&m)) out.request_info = m;
    if (google::rpc::BadRequest m; any.UnpackTo(&m)) out.bad_request = m;
  }
  return out;
}

}  // namespace hss::testing

#endif  // HSS_TESTS_E2E_ERROR_DETAILS_H_
