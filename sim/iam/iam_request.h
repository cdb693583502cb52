#ifndef HSS_SIM_IAM_IAM_REQUEST_H_
#define HSS_SIM_IAM_IAM_REQUEST_H_

// Pure parts of the simulated IAM (docs/hss-api.md, "IAM token"): its configuration specs, the
// password-method token request body and the time format of its answers.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace hss::sim {

// An IAM user the simulator accepts.
struct IamUser {
  // User name.
  std::string name;
  // Account (domain) name.
  std::string domain;
};

// A project IAM knows.
struct IamProject {
  // Project name: a region such as "cn-north-4".
  std::string name;
  // Project id.
  std::string id;
};

// The simulated IAM's setting.
struct IamConfig {
  // Users that may get tokens (empty: no token is ever issued).
  std::vector<IamUser> users;
  // Their password (one for all). Secret: never logged or echoed.
  std::string password;
  // Known projects. Empty: a token may be scoped to any project name or id (the missing half is
  // derived, see SyntheticProjectId) and GET /v3/projects lists none.
  std::vector<IamProject> projects;
  // Lifetime of issued tokens, milliseconds.
  int64_t token_lifetime_ms = 24 * 3600 * 1000;
  // Delay of every IAM answer, milliseconds (spent while the request counts as in flight).
  int64_t latency_ms = 0;
};

// Parses "USER@DOMAIN[,USER@DOMAIN...]" ("" = none). The last '@' splits; both halves must be
// non-empty.
absl::StatusOr<std::vector<IamUser>> ParseIamUsers(std::string_view spec);

// Parses "NAME:ID[,NAME:ID...]" ("" = none). Names may repeat (to make a name ambiguous).
absl::StatusOr<std::vector<IamProject>> ParseIamProjects(std::string_view spec);

// A password-method token request, as sent by the SDKs:
// {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":U,"password":P,
//   "domain":{"name":D}}}},"scope":{"project":{"name":N}}}}   (or "project":{"id":I}).
struct IamPasswordAuth {
  // User name.
  std::string user_name;
  // Password. Secret: never logged or echoed.
  std::string password;
  // Account (domain) name.
  std::string domain_name;
  // Scope by project name (exactly one of project_name / project_id is set).
  std::string project_name;
  // Scope by project id.
  std::string project_id;
};

// Parses a token request body. Fails (INVALID_ARGUMENT, with a message that never contains the
// password) on invalid JSON, a method list without "password", a missing or non-string field, or
// a scope that is not a project with exactly one of name / id.
absl::StatusOr<IamPasswordAuth> ParseIamPasswordAuth(std::string_view body);

// Formats milliseconds since the Unix epoch as IAM does: "2019-02-13T06:52:13.855000Z".
std::string FormatIamTime(int64_t unix_ms);

// A stable 32-hex id derived from `kind` and `name` (user, domain and unknown project ids).
std::string SyntheticId(std::string_view kind, std::string_view name);

}  // namespace hss::sim

#endif  // HSS_SIM_IAM_IAM_REQUEST_H_
