#include "server/auth/project_resolver.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/uri_encoding.h"
#include "rapidjson/document.h"
#include "server/auth/iam_token_credentials.h"
#include "server/http/url_redaction.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

absl::string_view StringMember(const rapidjson::Value& object, const char* name, bool* present) {
  *present = false;
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  *present = true;
  return absl::string_view(it->value.GetString(), it->value.GetStringLength());
}

std::string ConfigureHint() {
  return "set --project_id (or env HUAWEICLOUD_SDK_PROJECT_ID, or project_id in the credentials "
         "file), or send project_id in the request";
}

}  // namespace

absl::StatusOr<std::string> ProjectIdFromListProjects(const HttpResponse& response,
                                                      absl::string_view region,
                                                      absl::string_view iam_endpoint) {
  // Shown without the user info an endpoint URL may carry.
  const std::string shown_endpoint = RedactUrl(iam_endpoint);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(response.body.data(), response.body.size());
  const rapidjson::Value* projects = nullptr;
  if (!doc.HasParseError() && doc.IsObject()) {
    auto it = doc.FindMember("projects");
    if (it != doc.MemberEnd() && it->value.IsArray()) projects = &it->value;
  }
  if (projects == nullptr) {
    return MakeError(absl::StatusCode::kInternal,
                     absl::StrCat("IAM at ", shown_endpoint, " answered the project lookup for \"",
                                  region, "\" without a \"projects\" list"),
                     kReasonIamMalformedResponse);
  }
  std::vector<std::string> ids;
  for (const rapidjson::Value& project : projects->GetArray()) {
    bool has_name = false;
    bool has_id = false;
    const absl::string_view name = StringMember(project, "name", &has_name);
    const absl::string_view id = StringMember(project, "id", &has_id);
    if (!has_id || id.empty()) continue;
    if (has_name && name != region) continue;
    ids.emplace_back(id);
  }
  if (ids.empty()) {
    return MakeError(absl::StatusCode::kFailedPrecondition,
                     absl::StrCat("IAM at ", shown_endpoint, " lists no project named \"", region,
                                  "\" for the gateway's credentials, so the project is unknown: ",
                                  ConfigureHint()),
                     kReasonProjectNotFound, {{"region", std::string(region)}});
  }
  if (ids.size() > 1) {
    return MakeError(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("IAM at ", shown_endpoint, " lists ", ids.size(), " projects named \"", region,
                     "\", so the gateway cannot choose one: ", ConfigureHint()),
        kReasonProjectAmbiguous, {{"region", std::string(region)}});
  }
  return ids.front();
}

std::shared_ptr<ProjectResolver> ProjectResolver::Create(ProjectResolverOptions options,
                                                         std::shared_ptr<HttpTransport> transport,
                                                         std::shared_ptr<Credentials> credentials) {
  if (!options.clock) options.clock = [] { return absl::Now(); };
  return std::shared_ptr<ProjectResolver>(
      new ProjectResolver(std::move(options), std::move(transport), std::move(credentials)));
}

ProjectResolver::ProjectResolver(ProjectResolverOptions options,
                                 std::shared_ptr<HttpTransport> transport,
                                 std::shared_ptr<Credentials> credentials)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      credentials_(std::move(credentials)) {}

std::string ProjectResolver::Cached(const std::string& region) const {
  absl::MutexLock lock(&mu_);
  auto it = regions_.find(region);
  return it == regions_.end() ? std::string() : it->second.project_id;
}

int ProjectResolver::lookups() const {
  absl::MutexLock lock(&mu_);
  return lookups_;
}

void ProjectResolver::Resolve(const std::string& region, const CallContext& context,
                              ProjectIdCallback done) {
  absl::StatusOr<std::string> answer;
  bool answered = false;
  bool lookup = false;
  std::shared_ptr<CallWaiter<std::string>> waiting;
  {
    absl::MutexLock lock(&mu_);
    RegionState& state = regions_[region];
    if (!state.project_id.empty()) {
      answer = state.project_id;
      answered = true;
    } else if (!state.resolving && !state.failure.ok() && options_.clock() < state.retry_at) {
      answer = state.failure;
      answered = true;
    } else if (context.cancellation->cancelled()) {
      answer = CallerCancelledError();
      answered = true;
    } else {
      waiting = CallWaiter<std::string>::Create(
          std::move(done), absl::StrCat("the project of region \"", region, "\" from IAM"));
      state.waiters.push_back(waiting);
      if (!state.resolving) {
        state.resolving = true;
        ++lookups_;
        lookup = true;
      }
    }
  }
  if (answered) {
    std::move(done)(std::move(answer));
    return;
  }
  waiting->Watch(context, options_.scheduler);
  if (lookup) Lookup(region, context);
}

void ProjectResolver::Lookup(const std::string& region, const CallContext& context) {
  HttpRequest request;
  request.method = "GET";
  request.url =
      absl::StrCat(options_.iam_endpoint, "/v3/projects?name=", hss::PercentEncode(region));
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = options_.request_timeout;
  CallContext lookup_context;  // shared by every waiter: no caller's deadline or cancellation
  lookup_context.passthrough_token = context.passthrough_token;
  credentials_->Authorize(
      std::move(request), lookup_context,
      [self = shared_from_this(), region](absl::StatusOr<HttpRequest> authorized) {
        if (!authorized.ok()) {
          self->Finish(region, authorized.status());
          return;
        }
        self->transport_->Start(
            *std::move(authorized), [self, region](absl::StatusOr<HttpResponse> response) {
              if (response.ok() && response->status >= 200 && response->status <= 299) {
                self->Finish(region, ProjectIdFromListProjects(*response, region,
                                                               self->options_.iam_endpoint));
                return;
              }
              self->Finish(region,
                           IamFailureStatus(response, self->options_.iam_endpoint,
                                            absl::StrCat("the project of region \"", region, "\""),
                                            self->options_.identity, self->options_.fix));
            });
      });
}

void ProjectResolver::Finish(const std::string& region, absl::StatusOr<std::string> result) {
  std::vector<std::shared_ptr<CallWaiter<std::string>>> waiters;
  {
    absl::MutexLock lock(&mu_);
    RegionState& state = regions_[region];
    state.resolving = false;
    if (result.ok()) {
      state.project_id = *result;
      state.failure = absl::OkStatus();
    } else {
      state.failure = result.status();
      state.retry_at = options_.clock() + options_.failure_backoff;
    }
    waiters = std::move(state.waiters);
    state.waiters.clear();
  }
  for (const auto& waiter : waiters) waiter->Finish(result);
}

}  // namespace hss::gateway
