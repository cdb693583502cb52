#ifndef HSS_SIM_ERROR_BODY_H_
#define HSS_SIM_ERROR_BODY_H_

#include <string>
#include <string_view>

#include "sim/http_types.h"

namespace hss::sim {

// Shapes of a Huawei Cloud error body (docs/hss-api.md lists them all).
enum class BodyShape {
  // {"error_code":C,"error_msg":M} (+ "request_id" when C starts with "APIG.").
  kErrorCode,
  // {"error":{"code":C,"message":M}}.
  kErrorObj,
  // {"error":{"message":M,"title":C}}.
  kErrorTitle,
  // {"errorCode":C,"errorMsg":M}.
  kErrorCamel,
  // The message verbatim.
  kRaw,
};

// The error body of `shape` for `code` / `message`; API-gateway codes ("APIG.*") also carry
// `request_id`, as the real gateway's answers do.
std::string ErrorBody(BodyShape shape, std::string_view code, std::string_view message,
                      std::string_view request_id);

// A JSON error answer: `status` with {"error_code","error_msg"[,"request_id"]} and the
// X-Request-Id header.
SimHttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                              const std::string& request_id);

}  // namespace hss::sim

#endif  // HSS_SIM_ERROR_BODY_H_
