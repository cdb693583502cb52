#ifndef HSS_SIM_HTTP_TYPES_H_
#define HSS_SIM_HTTP_TYPES_H_

// Transport-independent HTTP request/response of the simulator, so that the whole request
// pipeline (sim_service.h) is unit-testable without sockets.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hss::sim {

// An HTTP header as received or to send.
using HttpHeader = std::pair<std::string, std::string>;

// A received request.
struct SimHttpRequest {
  // Method as received, e.g. "GET".
  std::string method;
  // The raw request-target: percent-encoded path, optionally followed by '?' and the raw query.
  std::string target;
  // All headers in arrival order, names as sent.
  std::vector<HttpHeader> headers;
  // The request body.
  std::string body;
  // The peer's IP address (used as caller identity when no credentials are sent).
  std::string remote_addr;

  // The value of the first header called `name` (ASCII case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
  // How many headers are called `name` (ASCII case-insensitive).
  size_t CountHeader(std::string_view name) const;
};

// How the transport must deliver a SimHttpResponse.
enum class Delivery {
  // Status, headers and the whole body.
  kNormal,
  // Close the connection without answering (FIN; the client sees an empty reply).
  kDrop,
  // Abort the connection without answering (RST).
  kReset,
  // Announce Content-Length = body.size(), send only `truncate_at` bytes, then close.
  kTruncate,
  // Chunked transfer (no Content-Length) of a generated `oversized_bytes`-byte JSON body
  // (see oversized_body.h) built around `body`, which holds one record's JSON.
  kOversized,
};

// An answer to send.
struct SimHttpResponse {
  // HTTP status code.
  int status = 200;
  // Content-Type header value.
  std::string content_type = "application/json;charset=UTF-8";
  // Extra headers (X-Request-Id, Retry-After, ...).
  std::vector<HttpHeader> headers;
  // The body (see Delivery for the special cases).
  std::string body;
  // How to deliver it.
  Delivery delivery = Delivery::kNormal;
  // For kTruncate: how many body bytes to send before closing.
  size_t truncate_at = 0;
  // For kOversized: exact size of the generated body.
  uint64_t oversized_bytes = 0;
  // Milliseconds the transport waits before answering.
  int64_t delay_ms = 0;

  // The value of the first extra header called `name` (ASCII case-insensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
};

// The canonical JSON Content-Type of HSS answers.
inline constexpr std::string_view kJsonContentType = "application/json;charset=UTF-8";

}  // namespace hss::sim

#endif  // HSS_SIM_HTTP_TYPES_H_
