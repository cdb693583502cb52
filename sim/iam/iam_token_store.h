#ifndef HSS_SIM_IAM_IAM_TOKEN_STORE_H_
#define HSS_SIM_IAM_IAM_TOKEN_STORE_H_

// The IAM tokens the simulator issued (POST /v3/auth/tokens), so that the HSS API (--auth=iam)
// and GET /v3/projects can accept them until they expire.
//
// Tokens are random and opaque: "MIIsim-" followed by 160 base64url characters (192 bytes in
// all; real IAM tokens also start with "MII"). The store keeps only their SHA-256, never the
// tokens themselves.

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hss::sim {

// Prefix of every token the simulator issues (lets tests search logs for leaked tokens).
inline constexpr std::string_view kSimTokenPrefix = "MIIsim-";

// What an issued token stands for.
struct IamTokenInfo {
  // The user's name.
  std::string user_name;
  // The user's account (domain) name.
  std::string domain_name;
  // The project the token is scoped to.
  std::string project_id;
  // Its name.
  std::string project_name;
  // Issue time, milliseconds since the Unix epoch.
  int64_t issued_ms = 0;
  // Expiry time, milliseconds since the Unix epoch (the token is valid while now < expires_ms).
  int64_t expires_ms = 0;
};

// The state of a presented token.
enum class TokenState {
  // Issued by the simulator and not expired.
  kValid,
  // Issued by the simulator, expired.
  kExpired,
  // Never issued (or revoked).
  kUnknown,
};

// The outcome of IamTokenStore::Find.
struct TokenLookup {
  // Valid, expired or unknown.
  TokenState state = TokenState::kUnknown;
  // What the token stands for (kValid, kExpired).
  IamTokenInfo info;
};

// Issued tokens. At most kMaxTokens are kept: when full, expired tokens are forgotten first,
// then the one expiring soonest. Thread-safe.
class IamTokenStore {
 public:
  // Most tokens kept at once.
  static constexpr size_t kMaxTokens = 100000;

  // Stores `info` under a new random token and returns the token.
  std::string Issue(const IamTokenInfo& info);

  // Looks `token` up at wall-clock time `now_ms`.
  TokenLookup Find(std::string_view token, int64_t now_ms) const;

  // Makes every token expire at `now_ms`; returns how many were still valid.
  size_t ExpireAll(int64_t now_ms);

  // Forgets every token (they become unknown).
  void Clear();

  // Tokens kept (valid or expired).
  size_t size() const;

  // Tokens valid at `now_ms`.
  size_t valid(int64_t now_ms) const;

 private:
  mutable std::mutex mutex_;
  // Keyed by hex SHA-256 of the token.
  std::unordered_map<std::string, IamTokenInfo> tokens_;
};

// A new random token (see the file comment).
std::string NewSimToken();

}  // namespace hss::sim

#endif  // HSS_SIM_IAM_IAM_TOKEN_STORE_H_
