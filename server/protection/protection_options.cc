#include "server/protection/protection_options.h"

#include <random>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/protection/caching_hss_stub.h"
#include "server/protection/circuit_breaking_hss_stub.h"
#include "server/protection/coalescing_hss_stub.h"
#include "server/protection/rate_limited_hss_stub.h"
#include "server/protection/retrying_hss_stub.h"
#include "server/protection/shared_page_script.h"
#include "server/protection/shared_pages_hss_stub.h"
#include "server/protection/shared_rate_limit_script.h"
#include "server/protection/shared_rate_limited_hss_stub.h"
#include "server/runtime/log.h"

namespace hss::gateway {

ProtectionOptions ProtectionOptionsForEndpoint(absl::string_view endpoint) {
  ProtectionOptions options;
  options.rate_limit = DefaultLimitsForEndpoint(endpoint);
  return options;
}

std::shared_ptr<HssStub> MakeProtectedStub(std::shared_ptr<HssStub> rest,
                                           const ProtectionOptions& options,
                                           std::shared_ptr<Scheduler> scheduler,
                                           std::shared_ptr<UpstreamMetrics> metrics,
                                           std::shared_ptr<RedisClient> shared_state) {
  std::uint64_t seed;
  if (options.jitter_seed.has_value()) {
    seed = *options.jitter_seed;
  } else {
    std::random_device device;
    seed = (std::uint64_t{device()} << 32) ^ device();
  }
  std::shared_ptr<HssStub> stub;
  std::shared_ptr<RedisClient> shared_pages_redis = shared_state;
  if (shared_state != nullptr) {
    const int replicas = options.shared_state ? options.shared_state->expected_replicas : 1;
    auto local = std::make_shared<RateLimitedHssStub>(
        rest, LocalShareOfLimits(options.rate_limit, replicas), scheduler, metrics);
    stub = std::make_shared<SharedRateLimitedHssStub>(
        std::move(rest), SharedRateLimitOptions{.limits = options.rate_limit}, std::move(local),
        std::move(shared_state), scheduler, metrics);
  } else {
    stub = std::make_shared<RateLimitedHssStub>(std::move(rest), options.rate_limit, scheduler,
                                                metrics);
  }
  stub =
      std::make_shared<RetryingHssStub>(std::move(stub), options.retry, scheduler, metrics, seed);
  stub = std::make_shared<CircuitBreakingHssStub>(std::move(stub), options.breaker, scheduler,
                                                  metrics);
  if (shared_pages_redis != nullptr) {
    SharedPagesOptions pages;
    pages.cache = options.cache.enabled;
    pages.cache_ttl = options.cache.ttl;
    if (options.shared_state) pages.max_entry_bytes = options.shared_state->max_shared_page_bytes;
    stub = std::make_shared<SharedPagesHssStub>(std::move(stub), pages,
                                                std::move(shared_pages_redis), scheduler, metrics);
  }
  stub = std::make_shared<CoalescingHssStub>(std::move(stub), metrics);
  if (options.cache.enabled) {
    stub = std::make_shared<CachingHssStub>(std::move(stub), options.cache, scheduler, metrics);
  }
  return stub;
}

std::shared_ptr<RedisClient> StartSharedState(const SharedStateOptions& options,
                                              std::shared_ptr<UpstreamMetrics> metrics) {
  RedisClientOptions client;
  client.endpoint = options.endpoint;
  client.password = options.password;
  client.command_timeout = options.command_timeout;
  client.on_connect = SharedRateLimitScriptLoads();
  for (std::vector<std::string>& load : SharedPageScriptLoads()) {
    client.on_connect.push_back(std::move(load));
  }
  metrics->shared_state_mode.store(static_cast<std::int64_t>(SharedStateModeValue::kLocalFallback),
                                   std::memory_order_relaxed);
  const std::string where = options.endpoint.ToString();
  const int replicas = options.expected_replicas;
  return RedisClient::Start(std::move(client), [metrics, where, replicas](bool ready) {
    metrics->shared_state_mode.store(
        static_cast<std::int64_t>(ready ? SharedStateModeValue::kShared
                                        : SharedStateModeValue::kLocalFallback),
        std::memory_order_relaxed);
    LogEvent(ready ? "info" : "warning",
             ready ? absl::StrCat("rate limits: shared by every replica through Redis at ", where)
                   : absl::StrCat("rate limits: this replica's share (1/", replicas,
                                  " of each limit) until Redis at ", where, " is back"));
  });
}

}  // namespace hss::gateway
