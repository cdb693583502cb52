#include "server/protection/page_cache.h"

#include <iterator>
#include <utility>

namespace hss::gateway {

PageCache::PageCache(PageCacheOptions options, std::shared_ptr<UpstreamMetrics> metrics)
    : options_(options), metrics_(std::move(metrics)) {}

std::int64_t PageCache::EntryBytes(const std::string& key, const PortsPage& page) {
  return static_cast<std::int64_t>(page.response.ByteSizeLong() + key.size() +
                                   page.request_id.size());
}

std::optional<PortsPage> PageCache::Lookup(const std::string& key, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->expires <= now) {
    Erase(it->second);
    PublishGauges();
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->page;
}

void PageCache::Insert(const std::string& key, const PortsPage& page, absl::Time now) {
  const std::int64_t entry_bytes = EntryBytes(key, page);
  absl::MutexLock lock(&mu_);
  if (auto it = index_.find(key); it != index_.end()) Erase(it->second);
  if (entry_bytes <= options_.max_bytes && options_.ttl > absl::ZeroDuration()) {
    lru_.push_front(Entry{key, page, now + options_.ttl, entry_bytes});
    index_.emplace(key, lru_.begin());
    bytes_ += entry_bytes;
    while (bytes_ > options_.max_bytes) Erase(std::prev(lru_.end()));
  }
  PublishGauges();
}

std::int64_t PageCache::bytes() {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

std::size_t PageCache::size() {
  absl::MutexLock lock(&mu_);
  return lru_.size();
}

void PageCache::Erase(List::iterator it) {
  bytes_ -= it->bytes;
  index_.erase(it->key);
  lru_.erase(it);
}

void PageCache::PublishGauges() {
  if (metrics_ == nullptr) return;
  metrics_->cache_entries.store(static_cast<std::int64_t>(lru_.size()), std::memory_order_relaxed);
  metrics_->cache_bytes.store(bytes_, std::memory_order_relaxed);
}

}  // namespace hss::gateway
