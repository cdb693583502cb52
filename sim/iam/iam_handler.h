#ifndef HSS_SIM_IAM_IAM_HANDLER_H_
#define HSS_SIM_IAM_IAM_HANDLER_H_

// The simulated IAM endpoints (docs/hss-api.md, "IAM token"), on the simulator's port:
//
//   POST /v3/auth/tokens        password-method body (iam_request.h) for a configured user ->
//        201, header X-Subject-Token: <new token>, body {"token":{"expires_at":"...Z",
//        "issued_at":"...Z","methods":["password"],"project":{"id","name","domain":{"id","name"}},
//        "user":{"id","name","domain":{"id","name"}},"roles":[],"catalog":[]}};
//        unknown user or wrong password -> 401 {"error":{"code":401,"message":"The username or
//        password is wrong.","title":"Unauthorized"}}; bad body or a scope naming an unknown
//        project (when projects are configured) -> 400 {"error":{"code":400,...,"title":
//        "Bad Request"}}.
//   GET  /v3/projects[?name=N]  authenticated by a token issued here or an AK/SK signature
//        (401 APIG.0301 / APIG.0307 otherwise) -> 200 {"projects":[{"id","name","domain_id",
//        "description","enabled":true,"is_domain":false,"parent_id"}]}: the configured
//        projects, those named N when `name` is given.
//
// SimService adds the latency, in-flight counting, fault rules and the request log.

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/access/auth.h"
#include "sim/http_types.h"
#include "sim/iam/iam_request.h"
#include "sim/iam/iam_token_store.h"
#include "sim/request_log.h"

namespace hss::sim {

// Path of the token endpoint.
inline constexpr std::string_view kIamTokensPath = "/v3/auth/tokens";
// Path of the project listing.
inline constexpr std::string_view kIamProjectsPath = "/v3/projects";

// Answers IAM requests. Thread-safe.
class IamHandler {
 public:
  // All pointers must outlive the handler.
  IamHandler(const IamConfig* config, IamTokenStore* tokens, const Authenticator* auth);

  // True for POST /v3/auth/tokens and GET /v3/projects.
  static bool IsIamRequest(std::string_view method, std::string_view raw_path);

  // POST /v3/auth/tokens at wall-clock `wall_ms`; fills entry.auth, identity and iam.
  SimHttpResponse IssueToken(const SimHttpRequest& request, int64_t wall_ms,
                             const std::string& request_id, LoggedRequest& entry) const;

  // GET /v3/projects with `raw_query`; fills entry.auth, identity and query.
  SimHttpResponse ListProjects(const SimHttpRequest& request, std::string_view raw_query,
                               int64_t wall_ms, int64_t monotonic_ms, const std::string& request_id,
                               LoggedRequest& entry) const;

 private:
  const IamConfig* const config_;
  IamTokenStore* const tokens_;
  const Authenticator* const auth_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_IAM_IAM_HANDLER_H_
