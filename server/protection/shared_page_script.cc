#include "server/protection/shared_page_script.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/aksk_signer.h"

namespace hss::gateway {
namespace {

std::string Millis(absl::Duration d) {
  return absl::StrCat(std::max<std::int64_t>(1, absl::ToInt64Milliseconds(d)));
}

}  // namespace

// KEYS: page, lease, result. ARGV: this flight's id, lease (ms), the awaited
// flight's id ('' = none), '1' to look up the page. Returns {'page', bytes,
// pttl}, {'result', payload}, {'lead'} or {'wait', holder}.
const char kSharedPageClaimScript[] = R"lua(
if ARGV[4] == '1' then
  local page = redis.call('GET', KEYS[1])
  if page then return {'page', page, redis.call('PTTL', KEYS[1])} end
end
if ARGV[3] ~= '' then
  local result = redis.call('GET', KEYS[3])
  if result then
    local sep = string.find(result, '\n', 1, true)
    if sep and string.sub(result, 1, sep - 1) == ARGV[3] then
      return {'result', string.sub(result, sep + 1)}
    end
  end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'lead'} end
return {'wait', redis.call('GET', KEYS[2]) or ''}
)lua";

// KEYS: page, lease, result. ARGV: the flight's id, payload, page TTL (ms, 0 =
// do not cache), result TTL (ms). Returns 1.
const char kSharedPagePublishScript[] = R"lua(
redis.call('SET', KEYS[3], ARGV[1] .. '\n' .. ARGV[2], 'PX', ARGV[4])
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
)lua";

// KEYS: lease. ARGV: the flight's id, lease (ms). Returns 1 if the flight
// still held the lease (now extended), else 0.
const char kSharedPageRenewScript[] = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
)lua";

std::vector<std::vector<std::string>> SharedPageScriptLoads() {
  return {{"SCRIPT", "LOAD", kSharedPageClaimScript},
          {"SCRIPT", "LOAD", kSharedPagePublishScript},
          {"SCRIPT", "LOAD", kSharedPageRenewScript}};
}

SharedPageKeys SharedPageKeysFor(absl::string_view call_key) {
  // The braces are a Redis Cluster hash tag: one slot for the call's keys.
  const std::string tag =
      absl::StrCat("{", hss::HexSha256(std::string_view(call_key.data(), call_key.size())), "}");
  return SharedPageKeys{
      .page = absl::StrCat("hss-gateway:v1:page:", tag),
      .lease = absl::StrCat("hss-gateway:v1:lease:", tag),
      .result = absl::StrCat("hss-gateway:v1:result:", tag),
  };
}

std::vector<std::string> SharedPageClaimArgs(const SharedPageKeys& keys, absl::string_view flight,
                                             absl::Duration lease, absl::string_view awaited,
                                             bool look_up_page) {
  return {"3",
          keys.page,
          keys.lease,
          keys.result,
          std::string(flight),
          Millis(lease),
          std::string(awaited),
          look_up_page ? "1" : "0"};
}

absl::StatusOr<SharedPageClaim> ParseSharedPageClaimReply(const RedisReply& reply) {
  if (reply.is_error()) return absl::UnavailableError(absl::StrCat("Redis: ", reply.str));
  const auto unexpected = [] {
    return absl::UnavailableError("Redis: unexpected reply to the shared page claim");
  };
  if (reply.type != RedisReply::Type::kArray || reply.elements.empty() ||
      reply.elements[0].type != RedisReply::Type::kString) {
    return unexpected();
  }
  const std::string& what = reply.elements[0].str;
  const std::size_t size = reply.elements.size();
  SharedPageClaim claim;
  if (what == "page" && size == 3 && reply.elements[1].type == RedisReply::Type::kString &&
      reply.elements[2].type == RedisReply::Type::kInteger) {
    claim.outcome = SharedPageClaim::Outcome::kCachedPage;
    claim.bytes = reply.elements[1].str;
    // PTTL is -1 for a key without a TTL (none of ours) and -2 when gone.
    claim.ttl_left = absl::Milliseconds(std::max<long long>(0, reply.elements[2].integer));
  } else if (what == "result" && size == 2 && reply.elements[1].type == RedisReply::Type::kString) {
    claim.outcome = SharedPageClaim::Outcome::kFlightResult;
    claim.bytes = reply.elements[1].str;
  } else if (what == "lead" && size == 1) {
    claim.outcome = SharedPageClaim::Outcome::kLead;
  } else if (what == "wait" && size == 2 && reply.elements[1].type == RedisReply::Type::kString) {
    claim.outcome = SharedPageClaim::Outcome::kWait;
    claim.holder = reply.elements[1].str;
  } else {
    return unexpected();
  }
  return claim;
}

std::vector<std::string> SharedPagePublishArgs(const SharedPageKeys& keys, absl::string_view flight,
                                               absl::string_view payload, absl::Duration page_ttl,
                                               absl::Duration result_ttl) {
  return {"3",
          keys.page,
          keys.lease,
          keys.result,
          std::string(flight),
          std::string(payload),
          page_ttl > absl::ZeroDuration() ? Millis(page_ttl) : "0",
          Millis(result_ttl)};
}

std::vector<std::string> SharedPageRenewArgs(const SharedPageKeys& keys, absl::string_view flight,
                                             absl::Duration lease) {
  return {"1", keys.lease, std::string(flight), Millis(lease)};
}

}  // namespace hss::gateway
