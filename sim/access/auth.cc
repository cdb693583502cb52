#include "sim/access/auth.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/aksk_signer.h"
#include "sim/data/absl_view.h"

namespace hss::sim {
namespace {

constexpr absl::string_view kIamPrefix = "Incorrect IAM authentication information: ";
constexpr std::string_view kBadAuth = "APIG.0301";
constexpr std::string_view kTokenExpired = "APIG.0307";

bool IsSdkAuthorization(const std::string& value) {
  return absl::StartsWith(value, AbslView(kSdkHmacSha256));
}

SigningRequest ToSigningRequest(const AuthRequest& request) {
  SigningRequest out;
  out.method = request.http->method;
  out.path = request.decoded_path;
  out.query = *request.query;
  out.headers = request.http->headers;
  out.body = request.http->body;
  return out;
}

AuthResult Fail(AuthResult result, std::string_view code, std::string message) {
  result.ok = false;
  result.error_code = std::string(code);
  result.error_msg = std::move(message);
  return result;
}

}  // namespace

std::optional<AuthMode> ParseAuthMode(std::string_view name) {
  if (name == "none") return AuthMode::kNone;
  if (name == "token") return AuthMode::kToken;
  if (name == "aksk") return AuthMode::kAksk;
  if (name == "iam") return AuthMode::kIam;
  return std::nullopt;
}

std::string_view AuthModeName(AuthMode mode) {
  switch (mode) {
    case AuthMode::kNone:
      return "none";
    case AuthMode::kToken:
      return "token";
    case AuthMode::kAksk:
      return "aksk";
    case AuthMode::kIam:
      return "iam";
  }
  return "none";
}

Authenticator::Authenticator(AuthConfig config, const IamTokenStore* tokens, AkLockout* lockout)
    : config_(std::move(config)), tokens_(tokens), lockout_(lockout) {}

AuthResult Authenticator::Identify(const SimHttpRequest& http) const {
  AuthResult result;
  const std::string* authorization = http.FindHeader("Authorization");
  const std::string* token = http.FindHeader("X-Auth-Token");
  std::optional<ParsedAuthorization> parsed;
  if (authorization != nullptr && IsSdkAuthorization(*authorization)) {
    result.kind = "aksk";
    parsed = ParseAuthorizationHeader(*authorization);
  } else if (token != nullptr) {
    result.kind = "token";
  } else if (authorization != nullptr) {
    result.kind = "other";
  } else {
    result.kind = "none";
  }
  if (parsed) {
    result.identity = absl::StrCat("ak:", parsed->access_key);
  } else if (token != nullptr) {
    result.identity = absl::StrCat("token:", HexSha256(*token).substr(0, 16));
  } else {
    result.identity = absl::StrCat("ip:", http.remote_addr);
  }
  return result;
}

AuthResult Authenticator::Check(const AuthRequest& request) const {
  AuthResult result = Identify(*request.http);
  const std::string* token = request.http->FindHeader("X-Auth-Token");
  switch (config_.mode) {
    case AuthMode::kNone:
      return result;
    case AuthMode::kToken:
      if (token == nullptr) {
        return Fail(std::move(result), kBadAuth,
                    absl::StrCat(kIamPrefix, "x-auth-token not found"));
      }
      if (!ConstantTimeEquals(*token, config_.token)) {
        return Fail(std::move(result), kBadAuth, absl::StrCat(kIamPrefix, "decrypt token fail"));
      }
      return result;
    case AuthMode::kAksk:
      return CheckAksk(request, std::move(result));
    case AuthMode::kIam:
      return CheckIamToken(request, std::move(result));
  }
  return result;
}

AuthResult Authenticator::CheckIam(const AuthRequest& request) const {
  AuthResult result = Identify(*request.http);
  if (result.kind == "aksk") return CheckAksk(request, std::move(result));
  return CheckIamToken(request, std::move(result));
}

AuthResult Authenticator::CheckIamToken(const AuthRequest& request, AuthResult result) const {
  const std::string* token = request.http->FindHeader("X-Auth-Token");
  if (token == nullptr) {
    return Fail(std::move(result), kBadAuth, absl::StrCat(kIamPrefix, "x-auth-token not found"));
  }
  TokenLookup lookup;
  if (tokens_ != nullptr) lookup = tokens_->Find(*token, request.wall_ms);
  switch (lookup.state) {
    case TokenState::kValid:
      result.token = std::move(lookup.info);
      return result;
    case TokenState::kExpired:
      return Fail(std::move(result), kTokenExpired, "The token expires.");
    case TokenState::kUnknown:
      break;
  }
  return Fail(std::move(result), kBadAuth, absl::StrCat(kIamPrefix, "decrypt token fail"));
}

AuthResult Authenticator::CheckAksk(const AuthRequest& request, AuthResult result) const {
  const auto fail = [&result](std::string_view why) {
    return Fail(std::move(result), kBadAuth,
                absl::StrCat(kIamPrefix, "verify aksk signature fail: ", AbslView(why)));
  };
  const std::string* authorization = request.http->FindHeader("Authorization");
  if (authorization == nullptr) return fail("Authorization header not found");
  if (!IsSdkAuthorization(*authorization)) {
    return fail("Authorization header does not use SDK-HMAC-SHA256");
  }
  const std::optional<ParsedAuthorization> parsed = ParseAuthorizationHeader(*authorization);
  if (!parsed) {
    return fail(
        "Authorization header is malformed (want 'SDK-HMAC-SHA256 Access=<ak>, "
        "SignedHeaders=<a;b>, Signature=<64 hex>')");
  }
  // From here on the failure is the access key's: it counts towards its lock-out.
  if (lockout_ != nullptr) {
    if (const int64_t left_ms = lockout_->CheckLocked(parsed->access_key, request.monotonic_ms);
        left_ms > 0) {
      return Fail(
          std::move(result), kBadAuth,
          absl::StrCat(kIamPrefix, "the access key is locked for another ", (left_ms + 999) / 1000,
                       " s after more than ", lockout_->config().max_failures,
                       " consecutive authentication failures"));
    }
  }
  result = VerifySignature(request, *parsed, std::move(result));
  if (lockout_ != nullptr) {
    if (result.ok) {
      lockout_->RecordSuccess(parsed->access_key);
    } else if (lockout_->RecordFailure(parsed->access_key, request.monotonic_ms)) {
      absl::StrAppend(&result.error_msg, " (the access key is now locked for ",
                      lockout_->config().lock_ms / 1000, " s after more than ",
                      lockout_->config().max_failures, " consecutive failures)");
    }
  }
  return result;
}

AuthResult Authenticator::VerifySignature(const AuthRequest& request,
                                          const ParsedAuthorization& parsed,
                                          AuthResult result) const {
  const SimHttpRequest& http = *request.http;
  const auto fail = [&result](std::string_view why) {
    return Fail(std::move(result), kBadAuth,
                absl::StrCat(kIamPrefix, "verify aksk signature fail: ", AbslView(why)));
  };
  if (config_.access_key.empty() || !ConstantTimeEquals(parsed.access_key, config_.access_key)) {
    return fail(absl::StrCat("unknown access key '", parsed.access_key, "'"));
  }
  bool date_signed = false;
  for (const std::string& name : parsed.signed_headers) {
    if (name == "x-sdk-date") date_signed = true;
    if (name.find('_') != std::string::npos) {
      return fail(absl::StrCat("signed header '", name, "' contains '_'"));
    }
    const size_t count = http.CountHeader(name);
    if (count == 0) return fail(absl::StrCat("signed header '", name, "' is missing"));
    if (count > 1) return fail(absl::StrCat("signed header '", name, "' is repeated"));
  }
  if (!date_signed) return fail("x-sdk-date is not in SignedHeaders");
  const std::string* date = http.FindHeader(kSdkDateHeader);
  const std::optional<long long> signed_at = ParseSdkDate(*date);
  if (!signed_at) {
    return fail(absl::StrCat("X-Sdk-Date '", *date, "' is not YYYYMMDDTHHMMSSZ"));
  }
  const int64_t now_unix_s = request.wall_ms / 1000;
  const int64_t skew = now_unix_s - *signed_at;
  if (std::llabs(skew) > config_.max_skew_s) {
    return fail(absl::StrCat("X-Sdk-Date is ", std::llabs(skew), " s ",
                             skew > 0 ? "in the past" : "in the future", " (allowed ",
                             config_.max_skew_s, " s)"));
  }
  const SigningRequest received = ToSigningRequest(request);
  if (!VerifyAuthorization(received, parsed, config_.secret_key)) {
    // Show the canonical request the simulator built (no secret in it) to ease debugging.
    SigningRequest signed_only = received;
    signed_only.headers.clear();
    for (const std::string& name : parsed.signed_headers) {
      signed_only.headers.emplace_back(name, *http.FindHeader(name));
    }
    return fail(absl::StrCat("signature mismatch; expected canonical request:\n",
                             CanonicalRequest(signed_only)));
  }
  return result;
}

}  // namespace hss::sim
