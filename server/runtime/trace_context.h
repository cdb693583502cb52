#ifndef HSS_SERVER_RUNTIME_TRACE_CONTEXT_H_
#define HSS_SERVER_RUNTIME_TRACE_CONTEXT_H_

// W3C Trace Context (https://www.w3.org/TR/trace-context/) for one call: the
// gateway joins the caller's trace (or starts one), gives its own work a span
// id, and tells HSS that span is the parent of each upstream request. This is
// the seam an OpenTelemetry exporter would plug into; none is packaged for
// Debian bookworm, so spans are only logged.

#include <string>

#include "absl/strings/string_view.h"

namespace hss::gateway {

// The trace a call belongs to and the gateway's span in it.
struct TraceContext {
  // 32 lower-case hex digits, never all zero.
  std::string trace_id;
  // The gateway's span: 16 lower-case hex digits, never all zero.
  std::string span_id;
  // The caller's span (the traceparent's parent-id), "" when the gateway
  // started the trace.
  std::string parent_span_id;
  // The trace flags byte as two hex digits ("01" = sampled).
  std::string flags = "00";
  // The caller's tracestate, forwarded as is; "" when absent or invalid.
  std::string tracestate;

  // The traceparent header for a request the gateway makes in this span:
  // "00-<trace_id>-<span_id>-<flags>".
  std::string Traceparent() const;
};

// The caller's headers (either may be "") joined: a valid `traceparent`
// continues the caller's trace in a new span; a missing or invalid one starts a
// new trace (and drops `tracestate`, as the specification asks). A
// `tracestate` longer than 512 bytes, or with bytes outside printable ASCII,
// is dropped.
TraceContext JoinOrStartTrace(absl::string_view traceparent, absl::string_view tracestate);

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_TRACE_CONTEXT_H_
