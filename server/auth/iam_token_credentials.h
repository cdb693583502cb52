#ifndef HSS_SERVER_AUTH_IAM_TOKEN_CREDENTIALS_H_
#define HSS_SERVER_AUTH_IAM_TOKEN_CREDENTIALS_H_

// --auth=password: the gateway gets IAM tokens for an IAM user and sends them
// as X-Auth-Token:
//
//   POST {iam}/v3/auth/tokens   Content-Type: application/json;charset=utf8
//   {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":U,
//     "password":P,"domain":{"name":ACCOUNT}}}},"scope":{"project":{"name":S}}}}
//   → 201, token in the X-Subject-Token header, body token.expires_at,
//     token.issued_at, token.project.id
//
// Scopes: tokens are scoped only to what the gateway is configured for — the
// project named `project` (--iam_project, normally the region: the default
// scope) and, when `project_id` (--project_id) is set and turns out to be
// another project, that project by id. At most two tokens, fixed at start-up:
// nothing a caller sends makes the gateway log in to IAM (which locks users
// after failed logins) or keep state. The {project_id} of a request's URL
// (/v5/{project_id}/...) picks the token:
//   - none (e.g. IAM calls), or the default scope's project id: that token;
//   - `project_id`: its token;
//   - any other id: PERMISSION_DENIED PROJECT_NOT_SERVED at once, without any
//     IAM or HSS call (a project-scoped token is useless for another project,
//     and sending it anyway would spend the user's HSS quota on the caller's
//     guesses). Until the default scope's first token tells its project id,
//     such calls wait for that token like the others; should IAM's answer not
//     name the project, they get the default token and HSS decides.
//
// Refresh: a call that finds its token past ~80% of its lifetime (or within 5
// minutes of expiry) starts one refresh in the background and goes on with the
// still-valid token; a call that finds no usable token waits for the refresh.
// Either way exactly one IAM request per scope is in flight, however many calls
// arrive. A token request — reading the password (a file, possibly) and
// sending it — runs on `scheduler`'s thread, never on the caller's (a gRPC
// reaction or the transport's loop). A waiting call is released when the IAM
// request ends (bounded by `request_timeout`), with CANCELLED as soon as its
// caller cancels, and with DEADLINE_EXCEEDED when its deadline passes (watched
// through `scheduler`); the IAM request goes on for the others.
//
// Failures (never naming the password or a token):
//   IAM unreachable, 408, 429, 5xx     UNAVAILABLE  IAM_UNAVAILABLE
//   IAM 401 / 403                      INTERNAL     UPSTREAM_CREDENTIALS_REJECTED
//   IAM other 4xx                      INTERNAL     IAM_REQUEST_REJECTED
//   IAM 2xx without a usable token     INTERNAL     IAM_MALFORMED_RESPONSE
//   the password cannot be read        INTERNAL     IAM_PASSWORD_UNAVAILABLE
//   a project id not configured        PERMISSION_DENIED  PROJECT_NOT_SERVED
// After a failure no new token request is made for `failure_backoff`
// (`rejected_backoff` after a rejection: IAM locks users after repeated failed
// logins), and calls without a usable token fail at once with the same error.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/call_waiter.h"
#include "server/auth/credentials.h"
#include "server/http/http_transport.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// The project a token is scoped to: by name (the default scope) or by id.
struct IamTokenScope {
  // Project name, e.g. "cn-north-4"; used when `project_id` is empty.
  std::string project_name;
  // Project id.
  std::string project_id;
};

// Returns the JSON body of a password token request. Pure; the result holds
// the password, so it must never be logged.
std::string IamPasswordTokenRequestBody(absl::string_view user, absl::string_view domain,
                                        absl::string_view password, const IamTokenScope& scope);

// A token issued by IAM.
struct IamToken {
  // The X-Subject-Token value. Secret.
  std::string token;
  // When IAM says the token expires.
  absl::Time expires_at = absl::InfinitePast();
  // When IAM says the token was issued; InfinitePast() when absent.
  absl::Time issued_at = absl::InfinitePast();
  // token.project.id of the body; may be empty.
  std::string project_id;
};

// Parses an ISO-8601 / RFC 3339 time as IAM writes it, e.g.
// "2019-02-13T06:52:13.855000Z" (a numeric offset is accepted too).
std::optional<absl::Time> ParseIamTime(absl::string_view text);

// Reads a 2xx answer of POST /v3/auth/tokens. A missing or unreadable
// expires_at counts as 24 hours after `now` (the documented lifetime). Fails
// with INTERNAL IAM_MALFORMED_RESPONSE when X-Subject-Token is missing or
// unusable as a header value.
absl::StatusOr<IamToken> ParseIamTokenResponse(const HttpResponse& response, absl::Time now);

// Maps the outcome of a request to IAM that did not succeed (a transport
// error, or a non-2xx response) to the status a caller receives, from the
// table above. `what` says what was asked, e.g. "a token"; `who` names the
// gateway's identity for a rejection, e.g. "user \"u\" of account \"d\"" or
// "AK ABCD…" (never a secret).
absl::Status IamFailureStatus(const absl::StatusOr<HttpResponse>& outcome,
                              absl::string_view iam_endpoint, absl::string_view what,
                              absl::string_view who, absl::string_view fix);

// Settings of IamTokenCredentials, fixed at start-up.
struct IamTokenCredentialsOptions {
  // IAM base URL without a trailing '/', e.g. "https://iam.cn-north-4.myhuaweicloud.com".
  std::string iam_endpoint;
  // IAM user name.
  std::string user;
  // Account (domain) name the user belongs to.
  std::string domain;
  // Project name of the default scope, e.g. the region "cn-north-4".
  std::string project;
  // Returns the password; called for every token request (on `scheduler`'s
  // thread when there is one), so a rotated password file applies to the next
  // one. Secret.
  absl::AnyInvocable<absl::StatusOr<std::string>() const> password;
  // Limit of one token request.
  absl::Duration request_timeout = absl::Seconds(30);
  // A token is refreshed once this fraction of its lifetime has passed...
  double refresh_fraction = 0.8;
  // ...or once it is this close to its expiry, whichever comes first (this
  // second rule only for tokens that live at least twice as long).
  absl::Duration refresh_before_expiry = absl::Minutes(5);
  // A token is not used any more this close to its expiry (at most a tenth of
  // its lifetime), so that it does not expire in flight.
  absl::Duration expiry_margin = absl::Seconds(30);
  // No new token request this long after a failed one.
  absl::Duration failure_backoff = absl::Seconds(5);
  // No new token request this long after IAM rejected the credentials.
  absl::Duration rejected_backoff = absl::Seconds(60);
  // Returns the current time; replaced in tests.
  absl::AnyInvocable<absl::Time() const> clock;
  // Receives warnings (never secrets); default: a JSON log line on stderr.
  absl::AnyInvocable<void(absl::string_view) const> log;
  // A project id the gateway is configured for (--project_id), served with a
  // token of its own when it is not the default scope's project; "" for none.
  std::string project_id;
  // Runs token requests (reading the password) and watches waiting calls'
  // deadlines. When null (tests), token requests run on the calling thread
  // and deadlines are not watched.
  std::shared_ptr<Scheduler> scheduler;
};

// Credentials for --auth=password (see the top of this file). Thread-safe.
class IamTokenCredentials final : public Credentials,
                                  public std::enable_shared_from_this<IamTokenCredentials> {
 public:
  // Token requests go through `transport`.
  static std::shared_ptr<IamTokenCredentials> Create(IamTokenCredentialsOptions options,
                                                     std::shared_ptr<HttpTransport> transport);

  void Authorize(HttpRequest request, const CallContext& context, AuthorizeCallback done) override;

  // Drops the token `request` carried (if it is still the current one) so that
  // the next call fetches a new one. Returns true when `request` carried an
  // X-Auth-Token.
  bool OnTokenRejected(const HttpRequest& request) override;

  // Token requests sent so far (for tests and metrics).
  std::int64_t token_requests() const;

 private:
  // A call waiting for a token.
  struct Waiter {
    HttpRequest request;
    std::shared_ptr<CallWaiter<HttpRequest>> call;
    // The project of the request's URL, or "".
    std::string project_id;
  };
  // The token of one scope and the calls waiting for it.
  struct ScopeState {
    std::string token;
    // After this the token is not used.
    absl::Time use_until = absl::InfinitePast();
    // After this a call starts a background refresh.
    absl::Time refresh_at = absl::InfinitePast();
    bool fetching = false;
    std::vector<Waiter> waiters;
    // Why the last token request failed; OK after a success.
    absl::Status failure;
    // No token request before this.
    absl::Time retry_at = absl::InfinitePast();
  };

  IamTokenCredentials(IamTokenCredentialsOptions options, std::shared_ptr<HttpTransport> transport);
  // The scope key serving a request for `project_id` ("" is the default
  // scope, else the configured project id), or nullopt when no configured
  // scope serves it.
  std::optional<std::string> ScopeKeyLocked(const std::string& project_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // PROJECT_NOT_SERVED for `project_id`.
  absl::Status NotServedLocked(const std::string& project_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs Fetch(key) on the scheduler (or at once without one).
  void ScheduleFetch(const std::string& key);
  // Reads the password and sends the token request of scope `key`.
  void Fetch(const std::string& key);
  // Turns IAM's answer to the token request of scope `key` into a token or a status.
  absl::StatusOr<IamToken> TokenFromResponse(const std::string& key,
                                             const absl::StatusOr<HttpResponse>& response) const;
  // Stores the outcome of scope `key`'s token request and releases its waiters.
  void OnFetched(const std::string& key, absl::Time started, absl::StatusOr<IamToken> token);
  // Queues `waiter` on scope `key`; returns true if a fetch must be started.
  bool EnqueueLocked(const std::string& key, Waiter waiter) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const IamTokenCredentialsOptions options_;
  const std::shared_ptr<HttpTransport> transport_;
  mutable absl::Mutex mu_;
  // At most two entries: "" and options_.project_id.
  absl::flat_hash_map<std::string, ScopeState> scopes_ ABSL_GUARDED_BY(mu_);
  // The project id of the default scope, once a token told it.
  std::string default_project_id_ ABSL_GUARDED_BY(mu_);
  // True once the default scope got a token (telling its project id or not).
  bool default_scope_known_ ABSL_GUARDED_BY(mu_) = false;
  std::int64_t token_requests_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_IAM_TOKEN_CREDENTIALS_H_
