#include "server/api/call_log.h"

#include "absl/time/time.h"
#include "server/runtime/log.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

std::string FormatCallRecord(const CallRecord& r, absl::Time now) {
  JsonLogLine line(now, "info", "call");
  line.AddString("method", r.method, 64);
  line.AddString("host_id", r.host_id, kCallLogMaxHostIdBytes);
  line.AddString("code", absl::StatusCodeToString(r.status.code()), 64);
  if (!r.status.ok()) {
    if (auto info = GetErrorInfo(r.status)) {
      line.AddString("reason", info->reason(), kCallLogMaxReasonBytes);
    }
  }
  line.AddInt("http_status", r.http_status);
  line.AddFixed("latency_ms", absl::ToDoubleMilliseconds(r.latency), 3);
  if (!r.request_id.empty()) {
    line.AddString("request_id", r.request_id, kCallLogMaxRequestIdBytes);
  }
  if (!r.trace_id.empty()) line.AddString("trace_id", r.trace_id, 32);
  if (!r.span_id.empty()) line.AddString("span_id", r.span_id, 16);
  line.AddInt("pages", r.pages);
  line.AddInt("ports", r.ports);
  if (!r.status.ok()) line.AddString("error", r.status.message(), kCallLogMaxErrorBytes);
  if (!r.caller.empty()) line.AddString("caller", r.caller, kCallLogMaxCallerBytes);
  return std::move(line).Finish();
}

}  // namespace hss::gateway
