#ifndef HSS_SIM_ACCESS_AUTH_H_
#define HSS_SIM_ACCESS_AUTH_H_

// Authentication of simulated API requests: the HSS API (Check, per AuthMode) and the
// simulated IAM's project listing (CheckIam). AK/SK failures feed the AK lock-out
// (aksk_lockout.h), which both share.
//
// Caller identity (used for the quota and the request log): an AK/SK-signed request is
// "ak:<AK>", a request with X-Auth-Token is "token:<first 16 hex of sha256(token)>", anything
// else is "ip:<peer address>". The identity is derived from what the request carries in every
// auth mode, so --auth=none still gives per-caller quotas.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/aksk_signer.h"
#include "common/uri_encoding.h"
#include "sim/access/aksk_lockout.h"
#include "sim/http_types.h"
#include "sim/iam/iam_token_store.h"

namespace hss::sim {

// What the simulator demands.
enum class AuthMode {
  // Accept everything.
  kNone,
  // X-Auth-Token must equal the configured token.
  kToken,
  // A valid SDK-HMAC-SHA256 signature by the configured AK/SK.
  kAksk,
  // X-Auth-Token must be a token the simulated IAM issued (iam_token_store.h), not expired.
  kIam,
};

// Parses "none" / "token" / "aksk" / "iam".
std::optional<AuthMode> ParseAuthMode(std::string_view name);

// The --auth spelling of `mode`.
std::string_view AuthModeName(AuthMode mode);

// Authentication settings.
struct AuthConfig {
  // What is demanded.
  AuthMode mode = AuthMode::kNone;
  // The expected X-Auth-Token (kToken).
  std::string token;
  // The accepted access key (required by kAksk; also checks signed IAM requests in any mode).
  std::string access_key;
  // Its secret key; never logged or echoed.
  std::string secret_key;
  // Largest accepted |now - X-Sdk-Date| in seconds (kAksk).
  int64_t max_skew_s = 15 * 60;
};

// A request as the authenticator sees it.
struct AuthRequest {
  // The received request (method, headers, body, peer).
  const SimHttpRequest* http = nullptr;
  // The decoded path (no query).
  std::string decoded_path;
  // The decoded query parameters.
  const std::vector<QueryParam>* query = nullptr;
  // Wall-clock time, milliseconds since the Unix epoch (X-Sdk-Date skew, token expiry).
  int64_t wall_ms = 0;
  // Monotonic milliseconds (AK lock-out).
  int64_t monotonic_ms = 0;
};

// The verdict.
struct AuthResult {
  // True if the request may proceed.
  bool ok = true;
  // The credential kind carried: "none", "token", "aksk" or "other".
  std::string kind;
  // The caller identity (see the file comment).
  std::string identity;
  // When !ok: the error_code of the 401 answer ("APIG.0301", or "APIG.0307" for an expired
  // token).
  std::string error_code;
  // When !ok: its error_msg (says which check failed).
  std::string error_msg;
  // The token's scope when the request was authenticated by a simulated IAM token.
  std::optional<IamTokenInfo> token;
};

// Checks requests against an AuthConfig. Thread-safe.
class Authenticator {
 public:
  // Uses `config` (copied). `tokens` (issued IAM tokens) and `lockout` (AK lock-out) must
  // outlive the authenticator; nullptr = no IAM tokens are known / no lock-out.
  Authenticator(AuthConfig config, const IamTokenStore* tokens, AkLockout* lockout);

  // The credential kind and identity of `request`, without verifying anything (ok = true).
  AuthResult Identify(const SimHttpRequest& request) const;

  // Checks an HSS API request as the configured mode demands.
  AuthResult Check(const AuthRequest& request) const;

  // Checks an IAM request (GET /v3/projects) whatever the mode: an SDK-HMAC-SHA256 signature by
  // the configured AK/SK, else an X-Auth-Token the simulated IAM issued.
  AuthResult CheckIam(const AuthRequest& request) const;

 private:
  AuthResult CheckIamToken(const AuthRequest& request, AuthResult result) const;
  AuthResult CheckAksk(const AuthRequest& request, AuthResult result) const;
  AuthResult VerifySignature(const AuthRequest& request, const ParsedAuthorization& parsed,
                             AuthResult result) const;

  const AuthConfig config_;
  const IamTokenStore* const tokens_;
  AkLockout* const lockout_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_ACCESS_AUTH_H_
