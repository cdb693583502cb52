#include "server/protection/shared_rate_limit_script.h"

#include <openssl/evp.h>

#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/aksk_signer.h"

namespace hss::gateway {
namespace {

constexpr absl::string_view kKeyPrefix = "hss-gateway:v1:";

std::string Micros(absl::Duration d) { return absl::StrCat(absl::ToInt64Microseconds(d)); }

std::string NowArg(std::optional<absl::Time> now) {
  return now.has_value() ? absl::StrCat(absl::ToUnixMicros(*now)) : "";
}

// 60 s / per_minute in microseconds, or 0 when the limit is off.
std::string Interval(int per_minute) {
  return per_minute > 0 ? absl::StrCat(60'000'000LL / per_minute) : "0";
}

}  // namespace

// KEYS: identity bucket, total bucket, identity cool-down. ARGV: identity
// interval (µs, 0 = no limit), identity burst, total interval, total burst,
// longest wait (µs), now (µs; empty = Redis TIME). A bucket's value is its
// theoretical arrival time (TAT): a call may start at TAT + interval - burst ×
// interval, and takes the bucket to TAT + interval. Returns {granted, wait µs,
// limit}. Keys expire when their TAT has passed (+1 s), so Redis keeps nothing
// for idle identities.
const char kSharedRateLimitScript[] = R"lua(
local now
if ARGV[6] ~= '' then
  now = tonumber(ARGV[6])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local start, limit, plans = now, '', {}
local function plan(key, interval, burst, name)
  if interval <= 0 then return end
  local tat = tonumber(redis.call('GET', key)) or now
  if tat < now then tat = now end
  local new_tat = tat + interval
  local at = new_tat - burst * interval
  if at > start then start = at; limit = name end
  plans[#plans + 1] = {key, new_tat}
end
plan(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), 'perIdentity')
plan(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]), 'total')
local cool = tonumber(redis.call('GET', KEYS[3]))
if cool and cool > start then start = cool; limit = 'coolDown' end
local wait = start - now
if wait > tonumber(ARGV[5]) then return {0, wait, limit} end
for _, p in ipairs(plans) do
  redis.call('SET', p[1], string.format('%.0f', p[2]), 'PX',
             math.ceil((p[2] - now) / 1000) + 1000)
end
return {1, wait, limit}
)lua";

// KEYS: identity cool-down. ARGV: duration (µs), now (µs; empty = Redis TIME).
// Moves the cool-down to now + duration unless it already ends later.
const char kSharedCoolDownScript[] = R"lua(
local now
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local duration = tonumber(ARGV[1])
local until_us = now + duration
local current = tonumber(redis.call('GET', KEYS[1]))
if current == nil or current < until_us then
  redis.call('SET', KEYS[1], string.format('%.0f', until_us), 'PX',
             math.ceil(duration / 1000) + 1000)
end
return 1
)lua";

std::string RedisScriptSha1(absl::string_view script) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(script.data(), script.size(), digest, &size, EVP_sha1(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<std::size_t>(size)));
}

std::vector<std::vector<std::string>> SharedRateLimitScriptLoads() {
  return {{"SCRIPT", "LOAD", kSharedRateLimitScript}, {"SCRIPT", "LOAD", kSharedCoolDownScript}};
}

SharedRateLimitKeys SharedRateLimitKeysFor(absl::string_view identity) {
  const std::string hash =
      hss::HexSha256(std::string_view(identity.data(), identity.size())).substr(0, 32);
  return SharedRateLimitKeys{
      .identity_bucket = absl::StrCat(kKeyPrefix, "rl:id:", hash),
      .total_bucket = absl::StrCat(kKeyPrefix, "rl:total"),
      .cool_down = absl::StrCat(kKeyPrefix, "cool:", hash),
  };
}

std::vector<std::string> SharedRateLimitArgs(const SharedRateLimitKeys& keys,
                                             const SharedRateLimitRequest& request) {
  const auto burst = [](int given, int per_minute) {
    return absl::StrCat(given > 0 ? given : per_minute);
  };
  return {"3",
          keys.identity_bucket,
          keys.total_bucket,
          keys.cool_down,
          Interval(request.per_identity_per_minute),
          burst(request.per_identity_burst, request.per_identity_per_minute),
          Interval(request.total_per_minute),
          burst(request.total_burst, request.total_per_minute),
          Micros(request.max_wait),
          NowArg(request.now)};
}

absl::StatusOr<SharedRateLimitDecision> ParseSharedRateLimitReply(const RedisReply& reply) {
  if (reply.is_error()) return absl::UnavailableError(absl::StrCat("Redis: ", reply.str));
  if (reply.type != RedisReply::Type::kArray || reply.elements.size() != 3 ||
      reply.elements[0].type != RedisReply::Type::kInteger ||
      reply.elements[1].type != RedisReply::Type::kInteger) {
    return absl::InternalError("the shared rate-limit script answered an unexpected shape");
  }
  SharedRateLimitDecision decision;
  decision.granted = reply.elements[0].integer == 1;
  decision.wait = absl::Microseconds(reply.elements[1].integer);
  decision.limit = reply.elements[2].str;
  return decision;
}

std::vector<std::string> SharedCoolDownArgs(const SharedRateLimitKeys& keys,
                                            absl::Duration duration,
                                            std::optional<absl::Time> now) {
  return {"1", keys.cool_down, Micros(duration), NowArg(now)};
}

}  // namespace hss::gateway
