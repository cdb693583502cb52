#include "sim/iam/iam_handler.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/aksk_signer.h"
#include "sim/data/absl_view.h"
#include "sim/data/json_escape.h"
#include "sim/error_body.h"

namespace hss::sim {
namespace {

// An error in IAM's own shape: {"error":{"code":401,"message":"...","title":"Unauthorized"}}.
SimHttpResponse IamError(int status, std::string_view title, std::string_view message,
                         const std::string& request_id) {
  SimHttpResponse response;
  response.status = status;
  response.body = absl::StrCat("{\"error\":{\"code\":", status, ",\"message\":");
  AppendJsonString(message, response.body);
  response.body += ",\"title\":";
  AppendJsonString(title, response.body);
  response.body += "}}";
  response.headers.emplace_back("X-Request-Id", request_id);
  return response;
}

// Appends `"key":{"id":ID,"name":NAME` (the object is left open for more members).
void AppendIdName(std::string_view key, std::string_view id, std::string_view name,
                  std::string& out) {
  AppendJsonString(key, out);
  out += ":{\"id\":";
  AppendJsonString(id, out);
  out += ",\"name\":";
  AppendJsonString(name, out);
}

std::string TokenBody(const IamTokenInfo& token) {
  const std::string domain_id = SyntheticId("domain", token.domain_name);
  std::string out = "{\"token\":{\"expires_at\":";
  AppendJsonString(FormatIamTime(token.expires_ms), out);
  out += ",\"issued_at\":";
  AppendJsonString(FormatIamTime(token.issued_ms), out);
  out += ",\"methods\":[\"password\"],";
  AppendIdName("project", token.project_id, token.project_name, out);
  out += ",";
  AppendIdName("domain", domain_id, token.domain_name, out);
  out += "}},";
  AppendIdName("user",
               SyntheticId("user", absl::StrCat(AbslView(token.domain_name), "/",
                                                AbslView(token.user_name))),
               token.user_name, out);
  out += ",";
  AppendIdName("domain", domain_id, token.domain_name, out);
  out += "},\"password_expires_at\":\"\"},\"roles\":[],\"catalog\":[]}}";
  return out;
}

}  // namespace

IamHandler::IamHandler(const IamConfig* config, IamTokenStore* tokens, const Authenticator* auth)
    : config_(config), tokens_(tokens), auth_(auth) {}

bool IamHandler::IsIamRequest(std::string_view method, std::string_view raw_path) {
  return (method == "POST" && raw_path == kIamTokensPath) ||
         (method == "GET" && raw_path == kIamProjectsPath);
}

SimHttpResponse IamHandler::IssueToken(const SimHttpRequest& request, int64_t wall_ms,
                                       const std::string& request_id, LoggedRequest& entry) const {
  entry.auth = "password";
  entry.identity = absl::StrCat("ip:", request.remote_addr);
  absl::StatusOr<IamPasswordAuth> auth = ParseIamPasswordAuth(request.body);
  if (!auth.ok()) {
    entry.iam.emplace_back("outcome", "bad_request");
    return IamError(400, "Bad Request",
                    absl::StrCat("The request body is invalid: ", auth.status().message()),
                    request_id);
  }
  entry.identity = absl::StrCat("user:", auth->user_name, "@", auth->domain_name);
  entry.iam.emplace_back("user", auth->user_name);
  entry.iam.emplace_back("domain", auth->domain_name);
  if (auth->project_id.empty()) {
    entry.iam.emplace_back("scope_project_name", auth->project_name);
  } else {
    entry.iam.emplace_back("scope_project_id", auth->project_id);
  }

  bool known = false;
  for (const IamUser& user : config_->users) {
    if (user.name == auth->user_name && user.domain == auth->domain_name) known = true;
  }
  // Compared even for unknown users, so that timing tells nothing.
  const bool password_ok = ConstantTimeEquals(auth->password, config_->password);
  if (!known || !password_ok || config_->password.empty()) {
    entry.iam.emplace_back("outcome", "wrong_credentials");
    return IamError(401, "Unauthorized", "The username or password is wrong.", request_id);
  }

  IamTokenInfo info;
  info.user_name = auth->user_name;
  info.domain_name = auth->domain_name;
  if (config_->projects.empty()) {
    info.project_name = auth->project_id.empty() ? auth->project_name : auth->project_id;
    info.project_id =
        auth->project_id.empty() ? SyntheticId("project", auth->project_name) : auth->project_id;
  } else {
    for (const IamProject& project : config_->projects) {
      if (auth->project_id.empty() ? project.name == auth->project_name
                                   : project.id == auth->project_id) {
        info.project_name = project.name;
        info.project_id = project.id;
        break;
      }
    }
    if (info.project_id.empty()) {
      entry.iam.emplace_back("outcome", "unknown_project");
      return IamError(
          400, "Bad Request",
          absl::StrCat("The project ",
                       auth->project_id.empty() ? absl::StrCat("named '", auth->project_name, "'")
                                                : absl::StrCat("with id '", auth->project_id, "'"),
                       " does not exist."),
          request_id);
    }
  }
  info.issued_ms = wall_ms;
  info.expires_ms = wall_ms + config_->token_lifetime_ms;

  SimHttpResponse response;
  response.status = 201;
  response.body = TokenBody(info);
  response.headers.emplace_back("X-Subject-Token", tokens_->Issue(info));
  response.headers.emplace_back("X-Request-Id", request_id);
  entry.iam.emplace_back("outcome", "issued");
  return response;
}

SimHttpResponse IamHandler::ListProjects(const SimHttpRequest& request, std::string_view raw_query,
                                         int64_t wall_ms, int64_t monotonic_ms,
                                         const std::string& request_id,
                                         LoggedRequest& entry) const {
  const std::optional<std::vector<QueryParam>> query = ParseQuery(raw_query);
  if (!query) {
    const AuthResult who = auth_->Identify(request);
    entry.auth = who.kind;
    entry.identity = who.identity;
    return ErrorResponse(400, "APIG.0201", "Request error: malformed percent-encoding in the URI",
                         request_id);
  }
  entry.query = *query;
  AuthRequest auth_request;
  auth_request.http = &request;
  auth_request.decoded_path = std::string(kIamProjectsPath);
  auth_request.query = &*query;
  auth_request.wall_ms = wall_ms;
  auth_request.monotonic_ms = monotonic_ms;
  const AuthResult auth = auth_->CheckIam(auth_request);
  entry.auth = auth.kind;
  entry.identity = auth.identity;
  if (!auth.ok) return ErrorResponse(401, auth.error_code, auth.error_msg, request_id);

  const std::string* name = nullptr;
  for (const auto& [key, value] : *query) {
    if (key == "name") name = &value;
  }
  std::string domain = "hss-sim";
  if (auth.token) {
    domain = auth.token->domain_name;
  } else if (!config_->users.empty()) {
    domain = config_->users.front().domain;
  }
  const std::string domain_id = SyntheticId("domain", domain);
  std::string body = "{\"projects\":[";
  bool first = true;
  for (const IamProject& project : config_->projects) {
    if (name != nullptr && project.name != *name) continue;
    body += first ? "{\"id\":" : ",{\"id\":";
    first = false;
    AppendJsonString(project.id, body);
    body += ",\"name\":";
    AppendJsonString(project.name, body);
    body += ",\"domain_id\":";
    AppendJsonString(domain_id, body);
    body += ",\"description\":\"\",\"enabled\":true,\"is_domain\":false,\"parent_id\":";
    AppendJsonString(domain_id, body);
    body += "}";
  }
  body += "]}";
  SimHttpResponse response;
  response.body = std::move(body);
  response.headers.emplace_back("X-Request-Id", request_id);
  return response;
}

}  // namespace hss::sim
