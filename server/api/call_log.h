#ifndef HSS_SERVER_API_CALL_LOG_H_
#define HSS_SERVER_API_CALL_LOG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hss::gateway {

// What the gateway records about one finished call. Holds nothing secret.
struct CallRecord {
  // "ListPorts" or "StreamPorts".
  absl::string_view method;
  // The caller's host_id (escaped when written).
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
};

// Formats `record` as one JSON object on one line (no trailing newline).
std::string FormatCallRecord(const CallRecord& record, absl::Time now);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_CALL_LOG_H_
