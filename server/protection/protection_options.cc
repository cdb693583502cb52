#include "server/protection/protection_options.h"

#include <random>
#include <utility>

#include "server/protection/caching_hss_stub.h"
#include "server/protection/circuit_breaking_hss_stub.h"
#include "server/protection/coalescing_hss_stub.h"
#include "server/protection/rate_limited_hss_stub.h"
#include "server/protection/retrying_hss_stub.h"

namespace hss::gateway {

ProtectionOptions ProtectionOptionsForEndpoint(absl::string_view endpoint) {
  ProtectionOptions options;
  options.rate_limit = DefaultLimitsForEndpoint(endpoint);
  return options;
}

std::shared_ptr<HssStub> MakeProtectedStub(std::shared_ptr<HssStub> rest,
                                           const ProtectionOptions& options,
                                           std::shared_ptr<Scheduler> scheduler,
                                           std::shared_ptr<UpstreamMetrics> metrics) {
  std::uint64_t seed;
  if (options.jitter_seed.has_value()) {
    seed = *options.jitter_seed;
  } else {
    std::random_device device;
    seed = (std::uint64_t{device()} << 32) ^ device();
  }
  std::shared_ptr<HssStub> stub =
      std::make_shared<RateLimitedHssStub>(std::move(rest), options.rate_limit, scheduler, metrics);
  stub =
      std::make_shared<RetryingHssStub>(std::move(stub), options.retry, scheduler, metrics, seed);
  stub = std::make_shared<CircuitBreakingHssStub>(std::move(stub), options.breaker, scheduler,
                                                  metrics);
  stub = std::make_shared<CoalescingHssStub>(std::move(stub), metrics);
  if (options.cache.enabled) {
    stub = std::make_shared<CachingHssStub>(std::move(stub), options.cache, scheduler, metrics);
  }
  return stub;
}

}  // namespace hss::gateway
