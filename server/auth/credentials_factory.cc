#include "server/auth/credentials_factory.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/aksk_signer.h"
#include "server/auth/aksk_credentials.h"
#include "server/auth/iam_token_credentials.h"
#include "server/auth/token_credentials.h"
#include "server/runtime/log.h"

namespace hss::gateway {
namespace {

// A short, stable, non-reversible name for a credential.
std::string Fingerprint(absl::string_view kind, absl::string_view secret) {
  return absl::StrCat(kind, ":", hss::HexSha256(std::string(secret)).substr(0, 32));
}

// Returns a password source for --auth=password: the file is re-read for
// every token request (so a rotated password applies without a restart), on
// the scheduler's thread.
absl::AnyInvocable<absl::StatusOr<std::string>() const> PasswordSource(
    const CredentialsConfig& config) {
  if (config.iam_password_file.empty()) {
    return [password = config.iam_password]() -> absl::StatusOr<std::string> { return password; };
  }
  return [path = config.iam_password_file]() -> absl::StatusOr<std::string> {
    auto contents = ReadPrivateFile(path, "IAM password file");
    if (!contents.ok()) return contents.status();
    std::string password = *std::move(contents);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
      password.pop_back();
    }
    if (password.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("IAM password file ", path, " is empty"));
    }
    return password;
  };
}

}  // namespace

absl::string_view AuthModeName(AuthMode mode) {
  switch (mode) {
    case AuthMode::kToken:
      return "token";
    case AuthMode::kAksk:
      return "aksk";
    case AuthMode::kPassword:
      return "password";
    case AuthMode::kPassthrough:
      break;
  }
  return "passthrough";
}

absl::StatusOr<CredentialsSetup> MakeCredentials(const CredentialsConfig& config,
                                                 std::shared_ptr<HttpTransport> transport,
                                                 std::shared_ptr<Scheduler> scheduler) {
  CredentialsSetup setup;
  switch (config.mode) {
    case AuthMode::kToken:
      if (absl::Status s = ValidateToken(config.token); !s.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("HSS_AUTH_TOKEN is unusable: ", s.message()));
      }
      setup.credentials = std::make_shared<StaticTokenCredentials>(config.token);
      setup.quota_identity = Fingerprint("token", config.token);
      return setup;
    case AuthMode::kAksk: {
      auto source = MakeCredentialSource(config.sdk, FileCredentialSourceOptions{});
      if (!source.ok()) return source.status();
      std::shared_ptr<const AkskCredential> current = (*source)->Current();
      setup.project_id = current->project_id;
      setup.iam_endpoint = current->iam_endpoint;
      setup.identity = absl::StrCat("AK ", RedactAk(current->ak));
      setup.quota_identity = Fingerprint("ak", current->ak);
      setup.fix = absl::StrCat("check the AK/SK in ", (*source)->Describe());
      LogEvent("info",
               absl::StrCat("AK/SK credentials from ", (*source)->Describe(), ": ", setup.identity,
                            current->security_token.empty() ? "" : " (temporary)"));
      AkskCredentialsOptions aksk;
      aksk.default_project_id = config.default_project_id;
      aksk.clock = [] { return absl::Now(); };
      setup.credentials = std::make_shared<AkskCredentials>(*std::move(source), std::move(aksk));
      return setup;
    }
    case AuthMode::kPassword: {
      IamTokenCredentialsOptions iam;
      iam.iam_endpoint = config.iam_endpoint;
      iam.user = config.iam_user;
      iam.domain = config.iam_domain;
      iam.project = config.iam_project;
      iam.project_id = config.default_project_id;
      iam.password = PasswordSource(config);
      iam.request_timeout = config.request_timeout;
      iam.scheduler = std::move(scheduler);
      // Fail at start-up, not at the first call, when the password cannot be read.
      if (auto password = iam.password(); !password.ok()) return password.status();
      setup.identity =
          absl::StrCat("IAM user \"", config.iam_user, "\" of account \"", config.iam_domain, "\"");
      setup.fix = "check --iam_user, --iam_domain and the password";
      setup.quota_identity = absl::StrCat("iam:", config.iam_user, "@", config.iam_domain);
      setup.credentials = IamTokenCredentials::Create(std::move(iam), std::move(transport));
      return setup;
    }
    case AuthMode::kPassthrough:
      break;
  }
  setup.credentials = std::make_shared<PassthroughCredentials>();
  return setup;
}

}  // namespace hss::gateway
