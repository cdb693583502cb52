#ifndef HSS_SERVER_HTTP_HTTP_TRANSPORT_H_
#define HSS_SERVER_HTTP_HTTP_TRANSPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hss::gateway {

// One HTTP header as sent or received.
using HttpHeader = std::pair<std::string, std::string>;

// An outbound HTTP request.
struct HttpRequest {
  // "GET" or "POST".
  std::string method = "GET";
  // Absolute URL, already percent-encoded.
  std::string url;
  // Request headers (never logged: they may hold credentials).
  std::vector<HttpHeader> headers;
  // Request body; empty for GET.
  std::string body;
  // Total time allowed for the transfer, connection set-up included.
  absl::Duration timeout = absl::Seconds(30);
  // True when `timeout` was set by the caller's deadline, so that running out
  // of time maps to DEADLINE_EXCEEDED rather than UNAVAILABLE.
  bool timeout_is_caller_deadline = false;
};

// A complete HTTP response of any status.
struct HttpResponse {
  // The HTTP status code, e.g. 200 or 503.
  int status = 0;
  // Response headers in arrival order; names as received.
  std::vector<HttpHeader> headers;
  // The full response body.
  std::string body;

  // Returns the first header named `name` (case-insensitive), or "".
  absl::string_view Header(absl::string_view name) const;
};

// Receives the outcome of a request: a response of any HTTP status, or a
// transport error (see curl_transport.h for the mapping). Runs on the
// transport's thread; it must not block.
using HttpCallback = absl::AnyInvocable<void(absl::StatusOr<HttpResponse>) &&>;

// Identifies an in-flight request for Cancel().
using HttpRequestId = std::uint64_t;

// Sends HTTP requests asynchronously. Implementations are thread-safe.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Starts `request`; `done` runs exactly once with its outcome.
  virtual HttpRequestId Start(HttpRequest request, HttpCallback done) = 0;

  // Aborts request `id` if it is still in flight; its callback then runs with
  // CANCELLED. Unknown or finished ids are ignored.
  virtual void Cancel(HttpRequestId id) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_HTTP_HTTP_TRANSPORT_H_
