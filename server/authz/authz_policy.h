#ifndef HSS_SERVER_AUTHZ_AUTHZ_POLICY_H_
#define HSS_SERVER_AUTHZ_AUTHZ_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/authz/caller.h"

namespace hss::gateway {

// ErrorInfo metadata keys of a CALLER_NOT_AUTHORIZED denial.
inline constexpr absl::string_view kMetaCallerIdentity = "callerIdentity";
inline constexpr absl::string_view kMetaProjectId = "projectId";

// Which callers may call which methods for which projects (and, optionally,
// hosts): a list of allow rules; whatever no rule allows is denied. Parsed
// from JSON (README "Caller authorization"):
//
//   {"rules": [{"name": "scanner",
//               "callers": ["spiffe://cluster.local/ns/ops/sa/scanner"],
//               "methods": ["ListPorts", "StreamPorts", "WatchPorts"],
//               "projects": ["0a1b2c"],
//               "host_ids": ["web-*"]}]}
//
// Every value is a pattern in which '*' matches any run of characters. A
// caller matches when any of its identities matches one of "callers" ("*"
// matches every caller, even one without identity); "host_ids" is optional
// (absent: every host). Immutable, so calls share one without locking.
class AuthzPolicy {
 public:
  // One allow rule.
  struct Rule {
    std::string name;
    std::vector<std::string> callers;
    std::vector<std::string> methods;
    std::vector<std::string> projects;
    // Empty: any host.
    std::vector<std::string> host_ids;
  };

  // Parses `json`. Fails (InvalidArgument, saying where) on malformed JSON, a
  // missing or empty list, an unknown key (a typo would silently widen or
  // narrow a rule) or a method that PortService does not have.
  static absl::StatusOr<AuthzPolicy> Parse(absl::string_view json);

  // OK when a rule allows `caller` to call `method` ("ListPorts",
  // "StreamPorts", "WatchPorts") for `project_id` and `host_id`; otherwise PERMISSION_DENIED
  // with ErrorInfo reason CALLER_NOT_AUTHORIZED and metadata callerIdentity
  // and projectId.
  absl::Status Check(const Caller& caller, absl::string_view method, absl::string_view project_id,
                     absl::string_view host_id) const;

  // The rules, in file order.
  const std::vector<Rule>& rules() const { return rules_; }

 private:
  std::vector<Rule> rules_;
};

// True when `text` matches `pattern`, in which '*' matches any run of
// characters (and nothing else is special).
bool GlobMatch(absl::string_view pattern, absl::string_view text);

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTHZ_AUTHZ_POLICY_H_
