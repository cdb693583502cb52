#include "server/auth/iam_token_credentials.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "server/auth/aksk_credentials.h"
#include "server/auth/token_credentials.h"
#include "server/http/upstream_error.h"
#include "server/http/url_redaction.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/log.h"
#include "server/runtime/metrics_recorder.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

// The documented token lifetime, assumed when IAM's answer does not say.
constexpr absl::Duration kDefaultTokenLifetime = absl::Hours(24);

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& w, absl::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Returns the string member `name` of `object`, or "".
absl::string_view StringMember(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return absl::string_view(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

std::string IamPasswordTokenRequestBody(absl::string_view user, absl::string_view domain,
                                        absl::string_view password, const IamTokenScope& scope) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("auth");
  w.StartObject();
  w.Key("identity");
  w.StartObject();
  w.Key("methods");
  w.StartArray();
  w.String("password");
  w.EndArray();
  w.Key("password");
  w.StartObject();
  w.Key("user");
  w.StartObject();
  w.Key("name");
  WriteString(w, user);
  w.Key("password");
  WriteString(w, password);
  w.Key("domain");
  w.StartObject();
  w.Key("name");
  WriteString(w, domain);
  w.EndObject();  // domain
  w.EndObject();  // user
  w.EndObject();  // password
  w.EndObject();  // identity
  w.Key("scope");
  w.StartObject();
  w.Key("project");
  w.StartObject();
  if (scope.project_id.empty()) {
    w.Key("name");
    WriteString(w, scope.project_name);
  } else {
    w.Key("id");
    WriteString(w, scope.project_id);
  }
  w.EndObject();  // project
  w.EndObject();  // scope
  w.EndObject();  // auth
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<absl::Time> ParseIamTime(absl::string_view text) {
  absl::Time t;
  std::string error;
  if (absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", text, &t, &error)) return t;
  // absl's %Ez wants an offset; IAM writes "Z".
  if (absl::EndsWith(text, "Z") || absl::EndsWith(text, "z")) {
    text.remove_suffix(1);
    if (absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S", text, absl::UTCTimeZone(), &t, &error)) return t;
  }
  return std::nullopt;
}

absl::StatusOr<IamToken> ParseIamTokenResponse(const HttpResponse& response, absl::Time now) {
  IamToken token;
  token.token = std::string(response.Header("X-Subject-Token"));
  if (token.token.empty() || !ValidateToken(token.token).ok()) {
    return MakeError(absl::StatusCode::kInternal,
                     absl::StrCat("IAM answered HTTP ", response.status,
                                  " without a usable X-Subject-Token header"),
                     kReasonIamMalformedResponse,
                     {{std::string(kMetaHttpStatus), absl::StrCat(response.status)}});
  }
  token.expires_at = now + kDefaultTokenLifetime;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(response.body.data(), response.body.size());
  if (!doc.HasParseError() && doc.IsObject()) {
    auto it = doc.FindMember("token");
    if (it != doc.MemberEnd() && it->value.IsObject()) {
      const rapidjson::Value& t = it->value;
      if (auto expires = ParseIamTime(StringMember(t, "expires_at"))) token.expires_at = *expires;
      if (auto issued = ParseIamTime(StringMember(t, "issued_at"))) token.issued_at = *issued;
      auto project = t.FindMember("project");
      if (project != t.MemberEnd()) {
        token.project_id = std::string(StringMember(project->value, "id"));
      }
    }
  }
  return token;
}

absl::Status IamFailureStatus(const absl::StatusOr<HttpResponse>& outcome,
                              absl::string_view iam_endpoint, absl::string_view what,
                              absl::string_view who, absl::string_view fix) {
  // Shown without the user info an endpoint URL may carry.
  const std::string shown_endpoint = RedactUrl(iam_endpoint);
  if (!outcome.ok()) {
    std::string cause = std::string(absl::StatusCodeToString(outcome.status().code()));
    if (auto info = GetErrorInfo(outcome.status()); info && !info->reason().empty()) {
      cause = info->reason();
    }
    return MakeError(absl::StatusCode::kUnavailable,
                     absl::StrCat("the gateway could not reach IAM at ", shown_endpoint, " for ",
                                  what, " (", cause, "); retry later"),
                     kReasonIamUnavailable, {{"iamFailure", cause}});
  }
  const HttpResponse& response = *outcome;
  const UpstreamErrorBody body = ParseUpstreamErrorBody(response.body, response.status);
  std::map<std::string, std::string> metadata = {
      {std::string(kMetaHttpStatus), absl::StrCat(response.status)},
      {std::string(kMetaUpstreamErrorCode), body.code}};
  std::string request_id(response.Header("X-Request-Id"));
  if (request_id.empty()) request_id = body.request_id;
  if (!request_id.empty()) metadata[std::string(kMetaUpstreamRequestId)] = request_id;
  const std::string answer =
      absl::StrCat("HTTP ", response.status, ", ", body.code, ": ", body.message,
                   request_id.empty() ? "" : absl::StrCat(", request id ", request_id));
  const int s = response.status;
  absl::Status status;
  if (s == 408 || s == 429 || s >= 500) {
    status = MakeError(absl::StatusCode::kUnavailable,
                       absl::StrCat("IAM at ", shown_endpoint, " failed the request for ", what,
                                    " (", answer, "); retry later"),
                       kReasonIamUnavailable, metadata);
  } else if (s == 401 || s == 403) {
    status = MakeError(absl::StatusCode::kInternal,
                       absl::StrCat("IAM at ", shown_endpoint, " rejected the gateway's own ",
                                    "credentials (", who, ") in the request for ", what, " (",
                                    answer, "); the gateway's operator must fix them: ", fix),
                       kReasonUpstreamCredentialsRejected, metadata);
  } else if (s >= 200 && s <= 299) {
    status = MakeError(absl::StatusCode::kInternal,
                       absl::StrCat("IAM at ", shown_endpoint, " answered the request for ", what,
                                    " with HTTP ", s, " but without the expected content"),
                       kReasonIamMalformedResponse, metadata);
  } else {
    status = MakeError(absl::StatusCode::kInternal,
                       absl::StrCat("IAM at ", shown_endpoint, " refused the request for ", what,
                                    " (", answer, "); check the gateway's IAM settings: ", fix),
                       kReasonIamRequestRejected, metadata);
  }
  if (!request_id.empty()) SetRequestId(status, request_id);
  return status;
}

std::shared_ptr<IamTokenCredentials> IamTokenCredentials::Create(
    IamTokenCredentialsOptions options, std::shared_ptr<HttpTransport> transport) {
  if (!options.clock) options.clock = [] { return absl::Now(); };
  if (!options.log) options.log = [](absl::string_view m) { LogEvent("warning", m); };
  return std::shared_ptr<IamTokenCredentials>(
      new IamTokenCredentials(std::move(options), std::move(transport)));
}

IamTokenCredentials::IamTokenCredentials(IamTokenCredentialsOptions options,
                                         std::shared_ptr<HttpTransport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {}

std::int64_t IamTokenCredentials::token_requests() const {
  absl::MutexLock lock(&mu_);
  return token_requests_;
}

std::optional<std::string> IamTokenCredentials::ScopeKeyLocked(
    const std::string& project_id) const {
  if (project_id.empty()) return std::string();
  if (!default_project_id_.empty() && project_id == default_project_id_) return std::string();
  if (project_id == options_.project_id) {
    // Until the default scope's project is known, it may be that one: wait there.
    return default_scope_known_ ? project_id : std::string();
  }
  // Until the default scope's project is known, everything waits there and is
  // sorted out by OnFetched(); if IAM never tells it, HSS judges the token.
  if (!default_scope_known_ || default_project_id_.empty()) return std::string();
  return std::nullopt;
}

absl::Status IamTokenCredentials::NotServedLocked(const std::string& project_id) const {
  std::string served =
      absl::StrCat("project \"", options_.project, "\" (id ", default_project_id_, ")");
  if (!options_.project_id.empty() && options_.project_id != default_project_id_) {
    absl::StrAppend(&served, " and project id ", options_.project_id);
  }
  return MakeError(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("with --auth=password this gateway holds IAM tokens only for ", served,
                   ", so it does not serve project_id ", project_id,
                   ": leave project_id empty, or ask for a gateway whose --iam_project (or "
                   "--project_id) is that project"),
      kReasonProjectNotServed, {{"projectId", project_id}});
}

bool IamTokenCredentials::EnqueueLocked(const std::string& key, Waiter waiter) {
  ScopeState& scope = scopes_[key];
  scope.waiters.push_back(std::move(waiter));
  if (scope.fetching) return false;
  scope.fetching = true;
  return true;
}

void IamTokenCredentials::Authorize(HttpRequest request, const CallContext& context,
                                    AuthorizeCallback done) {
  std::string project_id;
  if (auto url = ParseSigningUrl(request.url); url.ok()) project_id = std::move(url->project_id);

  std::string token;
  absl::Status failure;
  bool fetch = false;
  std::shared_ptr<CallWaiter<HttpRequest>> waiting;
  std::string key;
  {
    absl::MutexLock lock(&mu_);
    std::optional<std::string> scope_key = ScopeKeyLocked(project_id);
    if (!scope_key.has_value()) {
      failure = NotServedLocked(project_id);
    } else {
      key = *std::move(scope_key);
      ScopeState& scope = scopes_[key];
      const absl::Time now = options_.clock();
      if (!scope.token.empty() && now < scope.use_until) {
        token = scope.token;
        if (now >= scope.refresh_at && !scope.fetching && now >= scope.retry_at) {
          scope.fetching = true;  // a background refresh; this call goes on with `token`
          fetch = true;
        }
      } else if (!scope.fetching && now < scope.retry_at && !scope.failure.ok()) {
        failure = scope.failure;  // fail fast: IAM failed moments ago
      } else if (context.cancellation->cancelled()) {
        failure = CallerCancelledError();
      } else {
        waiting = CallWaiter<HttpRequest>::Create(std::move(done), "an IAM token");
        fetch = EnqueueLocked(key, Waiter{std::move(request), waiting, project_id});
      }
    }
  }
  if (waiting != nullptr) waiting->Watch(context, options_.scheduler);
  if (fetch) ScheduleFetch(key);
  if (waiting != nullptr) return;
  if (!failure.ok()) {
    std::move(done)(std::move(failure));
  } else {
    request.headers.emplace_back("X-Auth-Token", std::move(token));
    std::move(done)(std::move(request));
  }
}

void IamTokenCredentials::ScheduleFetch(const std::string& key) {
  if (options_.scheduler == nullptr) {
    Fetch(key);
    return;
  }
  // Off the caller's thread: the password may come from a file.
  options_.scheduler->RunAt(options_.scheduler->Now(),
                            [self = shared_from_this(), key] { self->Fetch(key); });
}

void IamTokenCredentials::Fetch(const std::string& key) {
  const absl::Time started = options_.clock();
  absl::StatusOr<std::string> password =
      options_.password ? options_.password()
                        : absl::StatusOr<std::string>(absl::NotFoundError("none is configured"));
  if (!password.ok()) {
    // Completes like a failed request, without sending one.
    OnFetched(key, started,
              MakeError(absl::StatusCode::kInternal,
                        absl::StrCat("the gateway cannot read its IAM password: ",
                                     password.status().message()),
                        kReasonIamPasswordUnavailable));
    return;
  }
  IamTokenScope scope;
  if (key.empty()) {
    scope.project_name = options_.project;
  } else {
    scope.project_id = key;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(options_.iam_endpoint, "/v3/auth/tokens");
  request.headers.emplace_back("Content-Type", "application/json;charset=utf8");
  request.headers.emplace_back("Accept", "application/json");
  request.body = IamPasswordTokenRequestBody(options_.user, options_.domain, *password, scope);
  request.timeout = options_.request_timeout;
  {
    absl::MutexLock lock(&mu_);
    ++token_requests_;
  }
  transport_->Start(std::move(request), [self = shared_from_this(), key,
                                         started](absl::StatusOr<HttpResponse> response) mutable {
    self->OnFetched(key, started, self->TokenFromResponse(key, response));
  });
}

absl::StatusOr<IamToken> IamTokenCredentials::TokenFromResponse(
    const std::string& key, const absl::StatusOr<HttpResponse>& response) const {
  const std::string scope_name = key.empty() ? absl::StrCat("project \"", options_.project, "\"")
                                             : absl::StrCat("project id ", key);
  if (response.ok() && response->status >= 200 && response->status <= 299) {
    auto token = ParseIamTokenResponse(*response, options_.clock());
    if (token.ok()) return token;
  }
  return IamFailureStatus(
      response, options_.iam_endpoint, absl::StrCat("a token scoped to ", scope_name),
      absl::StrCat("IAM user \"", options_.user, "\" of account \"", options_.domain, "\""),
      "--iam_user, --iam_domain, --iam_project and the password (env HSS_IAM_PASSWORD or "
      "--iam_password_file)");
}

void IamTokenCredentials::OnFetched(const std::string& key, absl::Time started,
                                    absl::StatusOr<IamToken> token) {
  Metrics().IamTokenRefresh(token.ok());
  const absl::Time now = options_.clock();
  std::vector<Waiter> ready;
  std::vector<std::pair<Waiter, absl::Status>> failed;
  std::vector<std::string> fetch_keys;
  std::string token_value;
  absl::Status failure;
  std::string log;
  {
    absl::MutexLock lock(&mu_);
    ScopeState& scope = scopes_[key];
    scope.fetching = false;
    if (token.ok()) {
      const absl::Time issued = token->issued_at == absl::InfinitePast() ? now : token->issued_at;
      const absl::Duration lifetime = std::max(token->expires_at - issued, absl::ZeroDuration());
      // Dated from when the request started, by the local clock: immune to clock skew.
      absl::Duration refresh_after = lifetime * options_.refresh_fraction;
      if (lifetime - options_.refresh_before_expiry >= lifetime / 2) {
        refresh_after = std::min(refresh_after, lifetime - options_.refresh_before_expiry);
      }
      scope.token = token->token;
      scope.use_until = started + lifetime - std::min(options_.expiry_margin, lifetime / 10);
      scope.refresh_at = started + refresh_after;
      scope.failure = absl::OkStatus();
      scope.retry_at = absl::InfinitePast();
      if (key.empty()) {
        default_scope_known_ = true;
        if (!token->project_id.empty()) default_project_id_ = token->project_id;
      }
    } else {
      scope.failure = token.status();
      const bool rejected =
          token.status().code() == absl::StatusCode::kInternal;  // not worth retrying soon
      scope.retry_at = now + (rejected ? options_.rejected_backoff : options_.failure_backoff);
      log = absl::StrCat("IAM token request failed: ", token.status().message());
      if (!scope.token.empty() && now < scope.use_until) {
        absl::StrAppend(&log, "; calls go on with the current token until it expires");
      }
    }
    const bool usable = !scope.token.empty() && now < scope.use_until;
    if (usable) token_value = scope.token;
    failure = scope.failure;
    std::vector<Waiter> waiters = std::move(scope.waiters);
    scope.waiters.clear();
    for (Waiter& waiter : waiters) {
      if (waiter.call->finished()) continue;  // cancelled or past its deadline
      if (!usable) {
        failed.emplace_back(std::move(waiter), failure);
        continue;
      }
      const std::optional<std::string> waiter_key = ScopeKeyLocked(waiter.project_id);
      if (!waiter_key.has_value()) {
        absl::Status not_served = NotServedLocked(waiter.project_id);
        failed.emplace_back(std::move(waiter), std::move(not_served));
      } else if (*waiter_key == key) {
        ready.push_back(std::move(waiter));
      } else if (EnqueueLocked(*waiter_key, std::move(waiter))) {
        // The default scope's token is for another project: the configured
        // project id needs a token of its own.
        fetch_keys.push_back(*waiter_key);
      }
    }
  }
  if (!log.empty()) options_.log(log);
  for (const std::string& fetch_key : fetch_keys) ScheduleFetch(fetch_key);
  for (Waiter& waiter : ready) {
    waiter.request.headers.emplace_back("X-Auth-Token", token_value);
    waiter.call->Finish(std::move(waiter.request));
  }
  for (auto& [waiter, status] : failed) waiter.call->Finish(std::move(status));
}

bool IamTokenCredentials::OnTokenRejected(const HttpRequest& request) {
  absl::string_view sent;
  for (const auto& [name, value] : request.headers) {
    if (absl::EqualsIgnoreCase(name, "X-Auth-Token")) sent = value;
  }
  if (sent.empty()) return false;
  absl::MutexLock lock(&mu_);
  for (auto& [key, scope] : scopes_) {
    if (scope.token == sent) {
      scope.token.clear();
      scope.use_until = absl::InfinitePast();
      scope.refresh_at = absl::InfinitePast();
      // The upstream says the token is dead: a new one may be asked for at once.
      scope.retry_at = absl::InfinitePast();
    }
  }
  return true;
}

}  // namespace hss::gateway
