#include "sim/error_body.h"

#include "sim/data/json_escape.h"

namespace hss::sim {

std::string ErrorBody(BodyShape shape, std::string_view code, std::string_view message,
                      std::string_view request_id) {
  std::string out;
  switch (shape) {
    case BodyShape::kRaw:
      return std::string(message);
    case BodyShape::kErrorObj:
      out = "{\"error\":{\"code\":";
      AppendJsonString(code, out);
      out += ",\"message\":";
      AppendJsonString(message, out);
      out += "}}";
      return out;
    case BodyShape::kErrorTitle:
      out = "{\"error\":{\"message\":";
      AppendJsonString(message, out);
      out += ",\"title\":";
      AppendJsonString(code, out);
      out += "}}";
      return out;
    case BodyShape::kErrorCamel:
      out = "{\"errorCode\":";
      AppendJsonString(code, out);
      out += ",\"errorMsg\":";
      AppendJsonString(message, out);
      out += "}";
      return out;
    case BodyShape::kErrorCode:
      break;
  }
  out = "{\"error_code\":";
  AppendJsonString(code, out);
  out += ",\"error_msg\":";
  AppendJsonString(message, out);
  if (code.substr(0, 5) == "APIG.") {
    out += ",\"request_id\":";
    AppendJsonString(request_id, out);
  }
  out += "}";
  return out;
}

SimHttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                              const std::string& request_id) {
  SimHttpResponse response;
  response.status = status;
  response.body = ErrorBody(BodyShape::kErrorCode, code, message, request_id);
  response.headers.emplace_back("X-Request-Id", request_id);
  return response;
}

}  // namespace hss::sim
