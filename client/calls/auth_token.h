#ifndef HSS_CLIENT_CALLS_AUTH_TOKEN_H_
#define HSS_CLIENT_CALLS_AUTH_TOKEN_H_

// Finding the auth token hss-ports passes through to the gateway.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hss::client {

// The environment variable holding the token.
inline constexpr absl::string_view kAuthTokenEnvVar = "HSS_AUTH_TOKEN";

// The gRPC metadata key the token is sent under.
inline constexpr absl::string_view kAuthTokenMetadataKey = "x-auth-token";

// Where a token may come from.
struct AuthTokenSources {
  // The value of HSS_AUTH_TOKEN; nullopt if unset.
  std::optional<std::string> env;
  // --token_file; empty if not given.
  std::string file;
  // --token; empty if not given.
  std::string flag;
};

// Where the token was found.
enum class AuthTokenOrigin { kEnv, kFile, kFlag };

// A token and its origin.
struct AuthToken {
  // The token, valid as a gRPC metadata value.
  std::string value;
  // Where it came from.
  AuthTokenOrigin origin = AuthTokenOrigin::kEnv;
};

// Picks the token: --token, else --token_file, else HSS_AUTH_TOKEN (ignored if
// empty). Returns nullopt if there is none (the call is then sent without
// one). A file's content is stripped of surrounding whitespace. Returns
// InvalidArgument if both --token and --token_file are given, the file cannot
// be read, is empty or larger than 64 KiB, or the token has characters a
// metadata value cannot carry (only printable ASCII). Messages never contain
// the token.
absl::StatusOr<std::optional<AuthToken>> ResolveAuthToken(const AuthTokenSources& sources);

}  // namespace hss::client

#endif  // HSS_CLIENT_CALLS_AUTH_TOKEN_H_
