#ifndef HSS_SERVER_PROTECTION_SHARED_PAGE_SCRIPT_H_
#define HSS_SERVER_PROTECTION_SHARED_PAGE_SCRIPT_H_

// The Redis side of the pages the replicas share (SharedPagesHssStub): three
// atomic Lua scripts over three keys per upstream call.
//
//  - page:  the shared cache entry (when the cache is on), with its TTL;
//  - lease: the flight id of the one replica fetching the call now
//           (SET NX PX: a short lease its holder renews while it fetches);
//  - result: "<flight id>\n<payload>", what the last flight got, kept
//           briefly so that the replicas waiting for it can read it.
//
// Key names hold a SHA-256 of the call's UpstreamCallKey (identity, token
// hash, project and query), never a token or anything a caller typed. The
// three keys share one Redis Cluster hash tag.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/shared_state/redis_reply.h"

namespace hss::gateway {

// The Lua source of the claim script: the cached page, the awaited flight's
// result, the lease, or the holder to wait for (ParseSharedPageClaimReply()).
extern const char kSharedPageClaimScript[];
// The Lua source of the publish script: stores a flight's result (and the
// cache entry), then releases the lease if the flight still holds it.
extern const char kSharedPagePublishScript[];
// The Lua source of the renew script: extends the lease of a flight that
// still holds it.
extern const char kSharedPageRenewScript[];

// A flight result payload meaning: the flight failed; the waiters claim the
// call again (one of them fetches it).
inline constexpr absl::string_view kFlightFailed = "!";
// A flight result payload meaning: the page is too large to share; every
// waiter fetches it itself.
inline constexpr absl::string_view kFlightNotShared = "-";

// SCRIPT LOAD of the three scripts (RedisClientOptions::on_connect).
std::vector<std::vector<std::string>> SharedPageScriptLoads();

// The Redis keys of one upstream call.
struct SharedPageKeys {
  std::string page;
  std::string lease;
  std::string result;
};

// The keys of the call whose UpstreamCallKey is `call_key`.
SharedPageKeys SharedPageKeysFor(absl::string_view call_key);

// The EVALSHA arguments (after the SHA1) of a claim by flight `flight`: look
// up the cached page first when `look_up_page`; return the result of flight
// `awaited` if it has one (empty: none awaited); else take the lease for
// `lease` if it is free; else name its holder.
std::vector<std::string> SharedPageClaimArgs(const SharedPageKeys& keys, absl::string_view flight,
                                             absl::Duration lease, absl::string_view awaited,
                                             bool look_up_page);

// The claim script's answer.
struct SharedPageClaim {
  enum class Outcome {
    // `bytes` is the cached page (EncodeSharedPage()), fresh for `ttl_left`.
    kCachedPage,
    // `bytes` is the awaited flight's payload: a page, kFlightFailed or
    // kFlightNotShared.
    kFlightResult,
    // The caller holds the lease: it fetches the call and publishes it.
    kLead,
    // Flight `holder` holds the lease (empty: it just ended; claim again).
    kWait,
  };
  Outcome outcome = Outcome::kWait;
  std::string bytes;
  absl::Duration ttl_left;
  std::string holder;
};

// Reads the claim script's reply; an error reply (NOSCRIPT included) is an
// error.
absl::StatusOr<SharedPageClaim> ParseSharedPageClaimReply(const RedisReply& reply);

// The EVALSHA arguments of the publish script: flight `flight` got `payload`
// (a page, kFlightFailed or kFlightNotShared), kept for `result_ttl`; and
// when `page_ttl` is positive, the cache entry `payload` for that long.
std::vector<std::string> SharedPagePublishArgs(const SharedPageKeys& keys, absl::string_view flight,
                                               absl::string_view payload, absl::Duration page_ttl,
                                               absl::Duration result_ttl);

// The EVALSHA arguments of the renew script: flight `flight` keeps its lease
// for another `lease`.
std::vector<std::string> SharedPageRenewArgs(const SharedPageKeys& keys, absl::string_view flight,
                                             absl::Duration lease);

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_SHARED_PAGE_SCRIPT_H_
