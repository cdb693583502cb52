#ifndef HSS_SIM_FAULTS_FAULT_INJECTOR_H_
#define HSS_SIM_FAULTS_FAULT_INJECTOR_H_

// Fault rules: make chosen API requests fail, slow down, or break the connection.
//
// JSON form (POST /_sim/faults takes one rule object or an array of them; so does
// --faults_json=FILE), every field optional:
//   {"match": {"host_id": "h1", "offset": 200, "limit": 100, "category": "host",
//              "path_prefix": "/v5/"},
//    "times": 1, "skip": 0, "probability": 1.0,
//    "status": 503, "error_code": "HSS.0041", "error_msg": "...",
//    "body_shape": "error_code" | "error_obj" | "error_title" | "errorCode" | "raw",
//    "raw_body": "...", "content_type": "text/plain",
//    "retry_after": "2", "headers": {"X-Foo": "bar"}, "latency_ms": 100,
//    "drop_connection": true, "reset_connection": true, "truncate_body": true,
//    "malformed_body": true, "oversized_body_bytes": 10485760,
//    "extra_rows": 50, "total_num": 1500, "empty_records": 2000000, "nested_depth": 100000}
//
// Matching: every present `match` field must equal the request's raw query value (offset and
// category compare against their defaults 0 / "host" when absent; limit against 10);
// path_prefix is a prefix of the raw path. Requests to the simulated IAM (/v3/...) are only
// matched by rules that have a path_prefix (e.g. "/v3/auth/tokens"). Of the matching requests
// the first `skip` pass untouched, then each is affected with `probability` (seeded RNG), at
// most `times` times (-1 = forever, the default). Rules are tried in order: a rule with only "soft"
// effects (latency_ms, retry_after, headers) adds them and the search goes on; the first rule with
// a "hard" effect (status, drop/reset, truncate/malformed/oversized body, extra rows, generated
// bodies) decides the answer.

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/error_body.h"

namespace hss::sim {

// Which requests a rule looks at (unset fields match everything).
struct FaultMatch {
  // Exact raw host_id query value.
  std::optional<std::string> host_id;
  // Exact offset (absent parameter = 0).
  std::optional<int64_t> offset;
  // Exact limit (absent parameter = 10).
  std::optional<int64_t> limit;
  // Exact category (absent parameter = "host").
  std::optional<std::string> category;
  // Prefix of the raw request path.
  std::optional<std::string> path_prefix;
};

// What a rule does to an affected request.
struct FaultEffect {
  // Answer this status with an error body instead of the normal answer.
  std::optional<int> status;
  // error_code of the error body.
  std::string error_code = "HSS.0041";
  // error_msg of the error body.
  std::string error_msg = "Injected fault";
  // Shape of the error body.
  BodyShape body_shape = BodyShape::kErrorCode;
  // Body to send verbatim (implies body_shape raw); also usable with status 200.
  std::optional<std::string> raw_body;
  // Content-Type override.
  std::optional<std::string> content_type;
  // Retry-After header value.
  std::optional<std::string> retry_after;
  // Extra response headers.
  std::vector<std::pair<std::string, std::string>> headers;
  // Delay before answering.
  int64_t latency_ms = 0;
  // Close the connection without answering (FIN).
  bool drop_connection = false;
  // Abort the connection without answering (RST).
  bool reset_connection = false;
  // Announce the full Content-Length, send half of the body, close.
  bool truncate_body = false;
  // Answer 200 with invalid JSON (the first half of the real body).
  bool malformed_body = false;
  // Answer 200 with a valid-looking, chunked JSON body of exactly this many bytes (0 = off).
  int64_t oversized_body_bytes = 0;
  // Answer the real page with this many rows more than `limit` asked for (total_num stays
  // true; parameters are validated as usual; 0 = off, at most 1,000,000).
  int64_t extra_rows = 0;
  // Answer the real page but report this total_num (a host that changes between pages).
  std::optional<int64_t> total_num;
  // Answer 200 `{"total_num":N,"data_list":[{},{},...]}` with N empty records (0 = off, at most
  // 100,000,000).
  int64_t empty_records = 0;
  // Answer 200 `{"total_num":1,"data_list":[[...[]...]]}` whose data_list nests this many
  // arrays deep (0 = off, at most 100,000,000).
  int64_t nested_depth = 0;

  // True if the effect replaces or breaks the normal answer (anything but latency/headers).
  bool hard() const;
};

// One rule as configured.
struct FaultRule {
  // Assigned by FaultInjector::Add (1, 2, ...).
  int64_t id = 0;
  // Which requests it looks at.
  FaultMatch match;
  // Affect at most this many requests; -1 = forever.
  int64_t times = -1;
  // Let the first `skip` matching requests pass.
  int64_t skip = 0;
  // Chance to affect a (non-skipped) matching request.
  double probability = 1.0;
  // What it does.
  FaultEffect effect;
};

// Parses one rule object or an array of them (see the file comment). Unknown fields, wrong
// types and out-of-range values are errors (the message says which).
absl::StatusOr<std::vector<FaultRule>> ParseFaultRules(std::string_view json);

// The parts of a request that rules match on (raw, undecoded query values are fine).
struct FaultRequest {
  // Raw request path.
  std::string_view path;
  // host_id parameter, or nullptr.
  const std::string* host_id = nullptr;
  // offset parameter, or nullptr.
  const std::string* offset = nullptr;
  // limit parameter, or nullptr.
  const std::string* limit = nullptr;
  // category parameter, or nullptr.
  const std::string* category = nullptr;
  // True for simulated IAM requests (only rules with a path_prefix match them).
  bool iam = false;
};

// The combined effect of the rules that affected a request.
struct AppliedFault {
  // Id of the rule with the hard effect, or of the last soft rule if none was hard.
  int64_t rule_id = 0;
  // The merged effect (soft parts summed/merged, hard part from the deciding rule).
  FaultEffect effect;
};

// The live rule set. Thread-safe; probability draws come from one RNG seeded with --seed, so a
// single-threaded request sequence is reproducible.
class FaultInjector {
 public:
  // Empty rule set.
  explicit FaultInjector(uint64_t seed);

  // Appends rules, assigning ids; returns the ids.
  std::vector<int64_t> Add(std::vector<FaultRule> rules);

  // Removes all rules (ids keep counting up).
  void Clear();

  // Applies the rules to one request; nullopt if none affected it.
  std::optional<AppliedFault> Apply(const FaultRequest& request);

  // The rules with their counters, as a JSON array:
  // [{"id":1,"times":1,"skip":0,"probability":1,"matched":3,"applied":1,"rule":{...}}].
  std::string ToJson() const;

 private:
  struct State {
    FaultRule rule;
    int64_t matched = 0;
    int64_t applied = 0;
  };

  mutable std::mutex mutex_;
  std::vector<State> rules_;
  int64_t next_id_ = 1;
  std::mt19937_64 rng_;
};

// True if `match` selects `request`.
bool FaultMatches(const FaultMatch& match, const FaultRequest& request);

// The JSON form of `rule` (without id), as ParseFaultRules accepts it.
std::string FaultRuleToJson(const FaultRule& rule);

}  // namespace hss::sim

#endif  // HSS_SIM_FAULTS_FAULT_INJECTOR_H_
