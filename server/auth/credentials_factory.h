#ifndef HSS_SERVER_AUTH_CREDENTIALS_FACTORY_H_
#define HSS_SERVER_AUTH_CREDENTIALS_FACTORY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/credential_source.h"
#include "server/auth/credentials.h"
#include "server/http/http_transport.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// How the gateway authenticates to HSS.
enum class AuthMode {
  // Forward each caller's own token (metadata x-auth-token / authorization: Bearer).
  kPassthrough,
  // Send one token from env HSS_AUTH_TOKEN.
  kToken,
  // Sign every request with the gateway's AK/SK (env HUAWEICLOUD_SDK_AK/_SK or
  // the SDK credentials file; see credential_source.h).
  kAksk,
  // Get IAM tokens for an IAM user and password (see iam_token_credentials.h).
  kPassword,
};

// Returns the --auth spelling of `mode`, e.g. "aksk".
absl::string_view AuthModeName(AuthMode mode);

// How the gateway authenticates upstream, as configured at start-up.
struct CredentialsConfig {
  // Which credentials to build.
  AuthMode mode = AuthMode::kPassthrough;
  // AuthMode::kToken: the token (env HSS_AUTH_TOKEN). Secret.
  std::string token;
  // AuthMode::kAksk: the official SDKs' environment variables. Holds secrets.
  SdkEnvironment sdk;
  // The project for requests that name none; may be empty.
  std::string default_project_id;
  // AuthMode::kPassword: IAM base URL, user, account (domain) and the token
  // scope's project name.
  std::string iam_endpoint;
  std::string iam_user;
  std::string iam_domain;
  std::string iam_project;
  // AuthMode::kPassword: the password (when `iam_password_file` is empty).
  // Secret.
  std::string iam_password;
  // AuthMode::kPassword: a file holding the password, re-read for each token.
  std::string iam_password_file;
  // Limit of one IAM request.
  absl::Duration request_timeout = absl::Seconds(30);
};

// The gateway's credentials, and what they tell about the project and IAM.
struct CredentialsSetup {
  // Authenticates every upstream (and IAM) request.
  std::shared_ptr<Credentials> credentials;
  // The project the credentials name (credentials file), or "".
  std::string project_id;
  // The credentials file's iam_endpoint, or "".
  std::string iam_endpoint;
  // Who the gateway is, for messages (never a secret).
  std::string identity;
  // How an operator fixes rejected credentials.
  std::string fix;
  // Who HSS sees for quotas, coalescing and caching (a hash, never a secret);
  // "" for passthrough, where each caller's token counts.
  std::string quota_identity;
};

// Builds the credentials `config` names. IAM requests (AuthMode::kPassword)
// go through `transport`, with timers on `scheduler`. Fails with a start-up
// error a person can act on: an unusable token, an unreadable credentials or
// password file.
absl::StatusOr<CredentialsSetup> MakeCredentials(const CredentialsConfig& config,
                                                 std::shared_ptr<HttpTransport> transport,
                                                 std::shared_ptr<Scheduler> scheduler);

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_CREDENTIALS_FACTORY_H_
