#ifndef HSS_SERVER_PROTECTION_PAGE_CACHE_H_
#define HSS_SERVER_PROTECTION_PAGE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"

namespace hss::gateway {

// The page cache's settings.
struct PageCacheOptions {
  // Off by default: cached pages may be up to `ttl` old.
  bool enabled = false;
  // How long a page is served after it was fetched.
  absl::Duration ttl = absl::Seconds(30);
  // Accounted bytes (see PageCache::EntryBytes) at most; least recently used
  // pages go first.
  std::int64_t max_bytes = std::int64_t{64} << 20;
};

// Upstream pages by UpstreamCallKey, each fresh for a TTL, within a byte
// budget (LRU eviction). Only successful pages are stored. Thread-safe.
class PageCache {
 public:
  // `metrics` (may be null) receives the cache_entries and cache_bytes gauges.
  PageCache(PageCacheOptions options, std::shared_ptr<UpstreamMetrics> metrics);

  // The bytes one entry is accounted for: the page's serialized size plus its
  // key and request id.
  static std::int64_t EntryBytes(const std::string& key, const PortsPage& page);

  // The page stored under `key` if it is still fresh at `now` (and marks it
  // recently used); an expired page is dropped.
  std::optional<PortsPage> Lookup(const std::string& key, absl::Time now);

  // Stores `page` under `key`, fetched at `now`, replacing an older one;
  // evicts least recently used pages to stay within max_bytes. A page larger
  // than the whole budget is not stored.
  void Insert(const std::string& key, const PortsPage& page, absl::Time now);

  // Accounted bytes of all entries.
  std::int64_t bytes();

  // Number of entries.
  std::size_t size();

 private:
  struct Entry {
    std::string key;
    PortsPage page;
    absl::Time expires;
    std::int64_t bytes;
  };
  using List = std::list<Entry>;

  void Erase(List::iterator it) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PublishGauges() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PageCacheOptions options_;
  const std::shared_ptr<UpstreamMetrics> metrics_;
  absl::Mutex mu_;
  // Most recently used first.
  List lru_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, List::iterator> index_ ABSL_GUARDED_BY(mu_);
  std::int64_t bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_PAGE_CACHE_H_
