#include "sim/host_registry.h"

#include <charconv>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sim/data/absl_view.h"

namespace hss::sim {
namespace {

absl::Status BadSpec(std::string_view entry) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad host size '", AbslView(entry), "': want ID:COUNT[:host|container]"));
}

}  // namespace

absl::StatusOr<std::vector<HostSize>> ParseHostSizes(std::string_view spec) {
  std::vector<HostSize> sizes;
  while (!spec.empty()) {
    const size_t comma = spec.find(',');
    std::string_view entry = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    if (entry.empty()) continue;
    HostSize size;
    size_t colon = entry.rfind(':');
    if (colon == std::string_view::npos) return BadSpec(entry);
    if (const auto category = ParseCategory(entry.substr(colon + 1))) {
      size.category = *category;
      entry = entry.substr(0, colon);
      colon = entry.rfind(':');
      if (colon == std::string_view::npos) return BadSpec(entry);
    }
    const std::string_view count = entry.substr(colon + 1);
    const auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), size.count);
    if (count.empty() || ec != std::errc() || ptr != count.data() + count.size() || colon == 0) {
      return BadSpec(entry);
    }
    size.host_id = std::string(entry.substr(0, colon));
    sizes.push_back(std::move(size));
  }
  return sizes;
}

HostRegistry::HostRegistry(std::vector<HostSize> initial, std::optional<uint64_t> default_count)
    : initial_(std::move(initial)), default_count_(default_count) {
  Reset();
}

void HostRegistry::Set(const HostSize& size) {
  std::unique_lock lock(mutex_);
  sizes_[Key(size.host_id, size.category)] = size.count;
}

uint64_t HostRegistry::CountFor(const HostKey& key) const {
  {
    std::shared_lock lock(mutex_);
    if (!sizes_.empty()) {
      const auto it = sizes_.find(Key(key.host_id, key.category));
      if (it != sizes_.end()) return it->second;
    }
  }
  return default_count_ ? *default_count_ : DefaultPortCount(key);
}

std::vector<HostSize> HostRegistry::List() const {
  std::shared_lock lock(mutex_);
  std::vector<HostSize> out;
  out.reserve(sizes_.size());
  for (const auto& [key, count] : sizes_) out.push_back({key.first, key.second, count});
  return out;
}

void HostRegistry::Reset() {
  std::unique_lock lock(mutex_);
  sizes_.clear();
  for (const HostSize& size : initial_) sizes_[Key(size.host_id, size.category)] = size.count;
}

}  // namespace hss::sim
