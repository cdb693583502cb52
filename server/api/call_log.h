#ifndef HSS_SERVER_API_CALL_LOG_H_
#define HSS_SERVER_API_CALL_LOG_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hss::gateway {

// The call log cuts the strings a caller or HSS controls to these many bytes
// (at a character boundary, then "…" and "<field>_truncated":true; see
// ToValidUtf8), so that a rejected 1 MiB host_id makes a short line.
inline constexpr size_t kCallLogMaxHostIdBytes = 256;
// See kCallLogMaxHostIdBytes: the upstream request id.
inline constexpr size_t kCallLogMaxRequestIdBytes = 128;
// See kCallLogMaxHostIdBytes: the error reason.
inline constexpr size_t kCallLogMaxReasonBytes = 128;
// See kCallLogMaxHostIdBytes: the error message (may quote HSS's answer).
inline constexpr size_t kCallLogMaxErrorBytes = 1024;
// See kCallLogMaxHostIdBytes: the caller identity (may come from a header).
inline constexpr size_t kCallLogMaxCallerBytes = 256;

// What the gateway records about one finished call. Holds nothing secret.
struct CallRecord {
  // "ListPorts" or "StreamPorts".
  absl::string_view method;
  // The caller's host_id (cut to kCallLogMaxHostIdBytes when written).
  absl::string_view host_id;
  // The call's final status.
  absl::Status status;
  // The last upstream HTTP status seen, 0 if none.
  int http_status = 0;
  // Wall time from the call's start to its end.
  absl::Duration latency;
  // The last upstream request id seen, if any.
  absl::string_view request_id;
  // Upstream pages fetched (StreamPorts) or 0/1 (ListPorts).
  int pages = 0;
  // Ports sent to the caller.
  long long ports = 0;
  // The call's W3C trace id and the gateway's span id ("" if unknown).
  absl::string_view trace_id;
  absl::string_view span_id;
  // With --authz_policy_file: the caller's identity (Caller::primary()); empty
  // otherwise (then not written).
  absl::string_view caller;
};

// Formats `record` as one JSON object on one line (no trailing newline):
// {"ts","level":"info","msg":"call","method","host_id","code","reason" (errors),
// "http_status","latency_ms","request_id" (if any),"trace_id","span_id" (if
// any),"pages","ports","error" (errors),"caller" (if any)}. Valid UTF-8 whatever the input:
// invalid bytes become U+FFFD.
std::string FormatCallRecord(const CallRecord& record, absl::Time now);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_CALL_LOG_H_
