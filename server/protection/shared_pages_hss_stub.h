#ifndef HSS_SERVER_PROTECTION_SHARED_PAGES_HSS_STUB_H_
#define HSS_SERVER_PROTECTION_SHARED_PAGES_HSS_STUB_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/scheduler.h"
#include "server/shared_state/redis_client.h"

namespace hss::gateway {

// Settings of SharedPagesHssStub.
struct SharedPagesOptions {
  // Share cached pages too (--cache): each successful page is stored in Redis
  // for `cache_ttl`, and a call finds it there before anything else.
  bool cache = false;
  absl::Duration cache_ttl = absl::Seconds(30);
  // A page whose stored form is larger is neither cached in Redis nor handed
  // to the replicas waiting for it: they fetch it themselves.
  std::int64_t max_entry_bytes = std::int64_t{1} << 20;
  // The fetching replica's lease, renewed every third of it while it fetches:
  // a replica that dies while fetching holds the others up for at most this.
  absl::Duration lease = absl::Seconds(2);
  // How long a fetch's result stays readable for the replicas waiting for it.
  absl::Duration result_ttl = absl::Seconds(5);
  // A waiting replica asks Redis again after `poll_initial`, then after
  // twice as long each time, up to `poll_max`.
  absl::Duration poll_initial = absl::Milliseconds(5);
  absl::Duration poll_max = absl::Milliseconds(50);
};

// HssStub decorator that shares upstream pages between gateway replicas
// through Redis, so that identical calls on different replicas reach HSS once:
//
//  - with `cache`, a call is first answered from the page cache in Redis (its
//    PortsPage::age says how old the page is, so that a local cache in front
//    keeps it no longer than its TTL);
//  - otherwise one replica takes the call's lease (SET NX PX) and calls
//    `inner`; identical calls on other replicas meanwhile wait (a Scheduler
//    timer, no thread) until the lease holder publishes its page, within
//    their own deadline (else DEADLINE_EXCEEDED) and cancellation;
//  - a failed fetch is not shared: the waiters claim the call again, and one
//    of them fetches it under its own credentials and deadline; a lease
//    whose holder died expires and is taken over the same way.
//
// Calls share only what they would share on one replica: the key is the
// call's UpstreamCallKey (identity, token hash, project and query), hashed.
// Redis is never a reason to fail a call: when it is not connected, does not
// answer within its command timeout, or answers an error, the call goes to
// `inner` at once (counted by shared_page_fallbacks) with
// CallContext::shared_state_failed set, so that the shared rate limiter below
// does not wait on Redis again. Never blocks: a call
// goes on on the Redis client's thread, or the scheduler's after a wait.
// Thread-safe.
class SharedPagesHssStub final : public HssStub {
 public:
  // `redis` must load SharedPageScriptLoads() when it connects; a script
  // Redis lost (NOSCRIPT) is sent again in full. As with
  // SharedRateLimitedHssStub, the owner calls RedisClient::Shutdown() before
  // dropping the client.
  SharedPagesHssStub(std::shared_ptr<HssStub> inner, SharedPagesOptions options,
                     std::shared_ptr<RedisClient> redis, std::shared_ptr<Scheduler> scheduler,
                     std::shared_ptr<UpstreamMetrics> metrics);

  // See HssStub.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

 private:
  class Shared;
  const std::shared_ptr<Shared> shared_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_SHARED_PAGES_HSS_STUB_H_
