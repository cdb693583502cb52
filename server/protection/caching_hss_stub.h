#ifndef HSS_SERVER_PROTECTION_CACHING_HSS_STUB_H_
#define HSS_SERVER_PROTECTION_CACHING_HSS_STUB_H_

#include <memory>
#include <string>

#include "server/protection/page_cache.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// HssStub decorator that answers from a PageCache when it holds a fresh page
// for the call's UpstreamCallKey (same identity, same token, same project and
// query: one caller's token never serves another caller's data), and stores
// every successful page `inner` returns. A caller with
// CallContext::bypass_cache skips the lookup, and its fresh page still
// refreshes the cache. Failures are never cached. Thread-safe.
class CachingHssStub final : public HssStub {
 public:
  // `options.enabled` is not consulted: wrap a stub only when caching is on.
  // `scheduler` is the clock of the TTL.
  CachingHssStub(std::shared_ptr<HssStub> inner, PageCacheOptions options,
                 std::shared_ptr<Scheduler> scheduler, std::shared_ptr<UpstreamMetrics> metrics);

  // See HssStub. A hit runs `done` before returning.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

 private:
  const std::shared_ptr<HssStub> inner_;
  const std::shared_ptr<Scheduler> scheduler_;
  const std::shared_ptr<UpstreamMetrics> metrics_;
  const std::shared_ptr<PageCache> cache_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_CACHING_HSS_STUB_H_
