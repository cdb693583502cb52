#ifndef HSS_SERVER_PROTECTION_SHARED_RATE_LIMIT_SCRIPT_H_
#define HSS_SERVER_PROTECTION_SHARED_RATE_LIMIT_SCRIPT_H_

// The rate limiter the replicas share: GCRA (the generic cell rate algorithm,
// a token bucket kept as one "theoretical arrival time" per key) run by Redis
// as one atomic Lua script, so that every replica reserves from the same
// budget and reads the same clock (Redis TIME). SharedRateLimitedHssStub runs it.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/shared_state/redis_reply.h"

namespace hss::gateway {

// The Lua source of the reservation script (EVALSHA after SCRIPT LOAD).
extern const char kSharedRateLimitScript[];
// The Lua source of the cool-down script: every replica waits until then.
extern const char kSharedCoolDownScript[];

// The hex SHA1 by which EVALSHA names `script`.
std::string RedisScriptSha1(absl::string_view script);

// SCRIPT LOAD of both scripts: the commands every new Redis connection runs
// (RedisClientOptions::on_connect) so that EVALSHA finds them.
std::vector<std::vector<std::string>> SharedRateLimitScriptLoads();

// The Redis keys of one identity: its bucket, its cool-down, and the total
// bucket. Names hold a hash of the identity, never the identity itself.
struct SharedRateLimitKeys {
  std::string identity_bucket;
  std::string total_bucket;
  std::string cool_down;
};
SharedRateLimitKeys SharedRateLimitKeysFor(absl::string_view identity);

// One reservation request: limits as calls per minute and burst (0: no such
// limit), and the longest the caller may wait for its slot.
struct SharedRateLimitRequest {
  int per_identity_per_minute = 0;
  int per_identity_burst = 0;
  int total_per_minute = 0;
  int total_burst = 0;
  absl::Duration max_wait;
  // Tests only: the script's clock, instead of Redis TIME.
  std::optional<absl::Time> now;
};

// The EVALSHA arguments after the script's SHA1: numkeys, KEYS, ARGV.
std::vector<std::string> SharedRateLimitArgs(const SharedRateLimitKeys& keys,
                                             const SharedRateLimitRequest& request);

// The script's answer.
struct SharedRateLimitDecision {
  // The slot is reserved (start after `wait`); false: refused, nothing reserved.
  bool granted = false;
  // How long until the slot (granted) or until one would be free (refused).
  absl::Duration wait;
  // Which limit set the time: "perIdentity", "total", "coolDown" or "" (none).
  std::string limit;
};

// Reads the script's reply; an error reply (NOSCRIPT included) is an error.
absl::StatusOr<SharedRateLimitDecision> ParseSharedRateLimitReply(const RedisReply& reply);

// The EVALSHA arguments of the cool-down script: every replica holds calls of
// the identity for `duration` from Redis's now (or `now`, tests only).
std::vector<std::string> SharedCoolDownArgs(const SharedRateLimitKeys& keys,
                                            absl::Duration duration,
                                            std::optional<absl::Time> now = std::nullopt);

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_SHARED_RATE_LIMIT_SCRIPT_H_
