#ifndef HSS_SIM_AUTH_H_
#define HSS_SIM_AUTH_H_

// Authentication of simulated API requests (one place, so IAM tokens and AK lock-out can be
// added later).
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

#include "common/uri_encoding.h"
#include "sim/http_types.h"

namespace hss::sim {

// What the simulator demands.
enum class AuthMode {
  // Accept everything.
  kNone,
  // X-Auth-Token must equal the configured token.
  kToken,
  // A valid SDK-HMAC-SHA256 signature by the configured AK/SK.
  kAksk,
};

// Parses "none" / "token" / "aksk".
std::optional<AuthMode> ParseAuthMode(std::string_view name);

// Authentication settings.
struct AuthConfig {
  // What is demanded.
  AuthMode mode = AuthMode::kNone;
  // The expected X-Auth-Token (kToken).
  std::string token;
  // The accepted access key (kAksk).
  std::string access_key;
  // Its secret key (kAksk); never logged or echoed.
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
};

// The verdict.
struct AuthResult {
  // True if the request may proceed.
  bool ok = true;
  // The credential kind carried: "none", "token", "aksk" or "other".
  std::string kind;
  // The caller identity (see the file comment).
  std::string identity;
  // When !ok: the error_msg of the 401 APIG.0301 answer (says which check failed).
  std::string error_msg;
};

// Checks requests against an AuthConfig. Thread-safe (immutable).
class Authenticator {
 public:
  // Uses `config` (copied).
  explicit Authenticator(AuthConfig config);

  // The credential kind and identity of `request`, without verifying anything (ok = true).
  AuthResult Identify(const SimHttpRequest& request) const;

  // Checks `request` at wall-clock time `now_unix_s`.
  AuthResult Check(const AuthRequest& request, int64_t now_unix_s) const;

 private:
  AuthResult CheckAksk(const AuthRequest& request, int64_t now_unix_s, AuthResult result) const;

  const AuthConfig config_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_AUTH_H_
