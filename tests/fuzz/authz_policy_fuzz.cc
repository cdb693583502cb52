// Fuzzes the caller-authorization policy (server/authz/authz_policy.h): the
// JSON policy file, and the decisions a parsed policy makes.
//
// Input: the whole input is the policy JSON; its last bytes also give a
// caller identity, a project and a host id to check (split at the last two
// 0x00 bytes, when there are).
// Invariants: no crash, no sanitizer report, no input slower than libFuzzer's
// -timeout (the '*' matcher must not backtrack exponentially); a failure is
// INVALID_ARGUMENT and parsing is deterministic; every parsed rule has
// callers, methods and projects; Check() allows exactly when some rule's
// patterns match, by a reference matcher written independently here, and a
// denial is PERMISSION_DENIED with reason CALLER_NOT_AUTHORIZED.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/authz/authz_policy.h"
#include "server/runtime/status_details.h"

namespace {

using hss::gateway::AuthzPolicy;

void Check(bool ok) {
  if (!ok) std::abort();
}

// '*' matches any run; dynamic programming over (pattern, text) prefixes.
bool ReferenceMatch(absl::string_view pattern, absl::string_view text) {
  std::vector<char> row(text.size() + 1, 0), next(text.size() + 1, 0);
  row[0] = 1;
  for (size_t j = 1; j <= text.size(); ++j) row[j] = 0;
  for (char p : pattern) {
    if (p == '*') {
      next[0] = row[0];
      for (size_t j = 1; j <= text.size(); ++j) next[j] = row[j] || next[j - 1];
    } else {
      next[0] = 0;
      for (size_t j = 1; j <= text.size(); ++j) next[j] = row[j - 1] && text[j - 1] == p;
    }
    row.swap(next);
  }
  return row[text.size()];
}

bool AnyMatches(const std::vector<std::string>& patterns, absl::string_view text) {
  for (const std::string& pattern : patterns) {
    if (ReferenceMatch(pattern, text)) return true;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<AuthzPolicy> policy = AuthzPolicy::Parse(input);
  absl::StatusOr<AuthzPolicy> again = AuthzPolicy::Parse(input);
  Check(policy.ok() == again.ok());
  if (!policy.ok()) {
    Check(policy.status().code() == absl::StatusCode::kInvalidArgument);
    Check(policy.status().message() == again.status().message());
    return 0;
  }
  for (const AuthzPolicy::Rule& rule : policy->rules()) {
    Check(!rule.callers.empty() && !rule.methods.empty() && !rule.projects.empty());
  }

  // What to check: the input's tail, split at its last two NUL bytes.
  const size_t second = input.rfind('\0');
  const size_t first = second == absl::string_view::npos || second == 0
                           ? absl::string_view::npos
                           : input.rfind('\0', second - 1);
  std::string identity = "spiffe://cluster.local/ns/ops/sa/scanner", project = "0a1b2c",
              host = "web-1";
  if (first != absl::string_view::npos) {
    identity = std::string(input.substr(first + 1, second - first - 1)).substr(0, 256);
    project = std::string(input.substr(second + 1)).substr(0, 64);
  }
  hss::gateway::Caller caller;
  if (!identity.empty()) caller.identities.push_back(identity);
  for (absl::string_view method : {"ListPorts", "StreamPorts", "WatchPorts"}) {
    bool expected = false;
    for (const AuthzPolicy::Rule& rule : policy->rules()) {
      const bool caller_ok = caller.identities.empty()
                                 ? [&] {
                                     for (const auto& c : rule.callers) {
                                       if (c == "*") return true;
                                     }
                                     return false;
                                   }()
                                 : AnyMatches(rule.callers, identity);
      if (caller_ok && AnyMatches(rule.methods, method) && AnyMatches(rule.projects, project) &&
          (rule.host_ids.empty() || AnyMatches(rule.host_ids, host))) {
        expected = true;
      }
    }
    const absl::Status status = policy->Check(caller, method, project, host);
    Check(status.ok() == expected);
    if (!status.ok()) {
      Check(status.code() == absl::StatusCode::kPermissionDenied);
      auto info = hss::gateway::GetErrorInfo(status);
      Check(info.has_value() && info->reason() == "CALLER_NOT_AUTHORIZED");
    }
  }
  return 0;
}
