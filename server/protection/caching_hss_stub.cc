#include "server/protection/caching_hss_stub.h"

#include <optional>
#include <utility>

#include "server/protection/upstream_call_key.h"

namespace hss::gateway {

CachingHssStub::CachingHssStub(std::shared_ptr<HssStub> inner, PageCacheOptions options,
                               std::shared_ptr<Scheduler> scheduler,
                               std::shared_ptr<UpstreamMetrics> metrics)
    : inner_(std::move(inner)),
      scheduler_(std::move(scheduler)),
      metrics_(std::move(metrics)),
      cache_(std::make_shared<PageCache>(options, metrics_)) {}

void CachingHssStub::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                    const hss::ports::v1::ListPortsRequest& request,
                                    PortsPageCallback done) {
  std::string key = UpstreamCallKey(context, project_id, request);
  if (context.bypass_cache) {
    metrics_->cache_bypasses.fetch_add(1, std::memory_order_relaxed);
  } else if (std::optional<PortsPage> page = cache_->Lookup(key, scheduler_->Now())) {
    metrics_->cache_hits.fetch_add(1, std::memory_order_relaxed);
    std::move(done)(*std::move(page));
    return;
  } else {
    metrics_->cache_misses.fetch_add(1, std::memory_order_relaxed);
  }
  inner_->AsyncListPorts(context, project_id, request,
                         [cache = cache_, scheduler = scheduler_, key = std::move(key),
                          done = std::move(done)](absl::StatusOr<PortsPage> result) mutable {
                           // A page shared by another replica is as old as its age.
                           if (result.ok()) {
                             cache->Insert(key, *result, scheduler->Now() - result->age);
                           }
                           std::move(done)(std::move(result));
                         });
}

}  // namespace hss::gateway
