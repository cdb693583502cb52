// Fuzzes the parsing of non-2xx upstream answers (server/http/upstream_error.h):
// ParseUpstreamErrorBody(), UpstreamHttpError() and ParseRetryAfter().
//
// Input: the whole input is the error body; it is also tried as the
// X-Request-Id and Retry-After header values, for a fixed set of HTTP statuses.
// Invariants: no crash or sanitizer report; the code is never empty; the
// parsed fields are within their documented lengths, valid UTF-8 and free of
// control characters; the status is never OK and its code follows the table;
// its message is valid UTF-8 without control characters; a Retry-After delay
// is within [0, kMaxRetryAfter].

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/utf8.h"
#include "server/http/upstream_error.h"

namespace {

using ::hss::gateway::HttpResponse;

void Check(bool condition) {
  if (!condition) std::abort();
}

bool HasControl(absl::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

void CheckText(absl::string_view text, std::size_t max_bytes) {
  Check(text.size() <= max_bytes);
  Check(hss::IsValidUtf8(std::string_view(text.data(), text.size())));
  Check(!HasControl(text));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  const absl::Time now = absl::FromUnixSeconds(1700000000);

  const std::optional<absl::Duration> retry_after = hss::gateway::ParseRetryAfter(body, now);
  if (retry_after) {
    Check(*retry_after >= absl::ZeroDuration() && *retry_after <= hss::gateway::kMaxRetryAfter);
  }

  for (const int http_status : {400, 401, 404, 429, 500, 503, 200, -1}) {
    const hss::gateway::UpstreamErrorBody parsed =
        hss::gateway::ParseUpstreamErrorBody(body, http_status);
    Check(!parsed.code.empty());
    CheckText(parsed.code, 64);
    CheckText(parsed.message, 512);
    CheckText(parsed.request_id, 128);

    HttpResponse response;
    response.status = http_status;
    response.body = std::string(body);
    response.headers.emplace_back("X-Request-Id", std::string(body.substr(0, 200)));
    response.headers.emplace_back("Retry-After", std::string(body));
    const absl::Status status = hss::gateway::UpstreamHttpError(response, now);
    Check(!status.ok());
    Check(status.code() == hss::gateway::StatusCodeForHttpStatus(http_status, parsed.code));
    Check(hss::IsValidUtf8(std::string_view(status.message().data(), status.message().size())));
    Check(!HasControl(status.message()));
  }
  return 0;
}
