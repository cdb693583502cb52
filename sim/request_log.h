#ifndef HSS_SIM_REQUEST_LOG_H_
#define HSS_SIM_REQUEST_LOG_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/uri_encoding.h"

namespace hss::sim {

// One received API request: HSS API or simulated IAM (the path tells them apart); control
// endpoints are never logged, and neither are passwords, tokens or request bodies.
struct LoggedRequest {
  // Arrival order, from 1 (see RequestLog::NextSeq).
  uint64_t seq = 0;
  // Arrival time, milliseconds since the Unix epoch.
  int64_t time_ms = 0;
  // HTTP method.
  std::string method;
  // Raw (percent-encoded) path.
  std::string path;
  // Decoded query parameters in arrival order.
  std::vector<QueryParam> query;
  // The credential kind the request carried: "none", "token", "aksk" or "other" (an
  // Authorization header of another scheme); "password" for IAM token requests. Never the
  // secret itself.
  std::string auth;
  // The quota identity (see auth.h): "token:<sha256 prefix>", "ak:<AK>" or "ip:<addr>".
  std::string identity;
  // Request headers, except the credential-bearing ones (Authorization, X-Auth-Token,
  // X-Security-Token).
  std::vector<std::pair<std::string, std::string>> headers;
  // Status answered; 0 if the connection was dropped or reset without an answer.
  int status = 0;
  // The X-Request-Id answered.
  std::string request_id;
  // Id of the fault rule that affected the request, if any.
  std::optional<int64_t> fault_rule;
  // IAM token requests: what was asked and the outcome, e.g. {"user":"u","domain":"d",
  // "scope_project_name":"cn-north-4","outcome":"issued"} (never the password or the token).
  std::vector<std::pair<std::string, std::string>> iam;
};

// A bounded, thread-safe log of API requests, listed in arrival (seq) order.
class RequestLog {
 public:
  // Keeps at most `capacity` entries (the oldest are dropped); 0 disables logging.
  explicit RequestLog(size_t capacity);

  // Reserves the next sequence number (call on arrival).
  uint64_t NextSeq() { return next_seq_.fetch_add(1, std::memory_order_relaxed) + 1; }

  // True if entries are kept at all.
  bool enabled() const { return capacity_ > 0; }

  // Stores a finished request.
  void Add(LoggedRequest entry);

  // Removes all entries (sequence numbers keep counting up).
  void Clear();

  // The entries with seq > `after_seq` as a JSON array, sorted by seq:
  // [{"seq":1,"time_ms":...,"method":"GET","path":"/v5/p/asset/ports","query":{"host_id":"h1"},
  //   "auth":"token","identity":"token:...","headers":{...},"status":200,"request_id":"...",
  //   "fault_rule":2,"iam":{...}}]. A repeated query parameter or header is listed as an array of
  //   values; fault_rule and iam only appear when set.
  std::string ToJson(uint64_t after_seq = 0) const;

 private:
  const size_t capacity_;
  std::atomic<uint64_t> next_seq_{0};
  mutable std::mutex mutex_;
  std::deque<LoggedRequest> entries_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_REQUEST_LOG_H_
