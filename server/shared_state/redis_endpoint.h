#ifndef HSS_SERVER_SHARED_STATE_REDIS_ENDPOINT_H_
#define HSS_SERVER_SHARED_STATE_REDIS_ENDPOINT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hss::gateway {

// Where the shared Redis listens: `redis://[USER@]HOST:PORT[/DB]`.
struct RedisEndpoint {
  // The Redis ACL user (Redis 6+: AUTH USER PASSWORD); empty: the default
  // user (AUTH PASSWORD). Not a secret.
  std::string username;
  // A host name, an IPv4 address or an IPv6 address (without brackets).
  std::string host;
  int port = 6379;
  // The logical database (SELECT); 0 by default.
  int db = 0;

  // The URL again, for log lines ("redis://[user@]host:port/db"); never a
  // password.
  std::string ToString() const;
};

// Parses `url`. The scheme must be redis:// (hiredis 0.14 has no TLS: reach a
// TLS-only Redis through a local TLS sidecar such as stunnel); the port is
// optional (6379); the database is a number 0-1023, 0 when left out. The user
// info may name an ACL user (letters, digits, '.', '_', '-'), never a password:
// a URL with `USER:PASSWORD@` is refused, and the password comes from a file
// or the environment, never from a flag that `ps` shows.
absl::StatusOr<RedisEndpoint> ParseRedisEndpoint(absl::string_view url);

}  // namespace hss::gateway

#endif  // HSS_SERVER_SHARED_STATE_REDIS_ENDPOINT_H_
