#include "sim/host_registry.h"

#include <algorithm>
#include <charconv>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sim/data/absl_view.h"
#include "sim/data/port_churn.h"

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

absl::StatusOr<std::vector<HostChurn>> ParseHostChurn(std::string_view spec) {
  std::vector<HostChurn> out;
  if (spec.empty()) return out;
  for (absl::string_view piece : absl::StrSplit(AbslView(spec), ',')) {
    const std::string_view entry(piece.data(), piece.size());
    const size_t last = entry.rfind(':');
    const size_t middle = last == std::string_view::npos || last == 0 ? std::string_view::npos
                                                                      : entry.rfind(':', last - 1);
    HostChurn churn;
    if (middle == std::string_view::npos || middle == 0 ||
        !absl::SimpleAtod(AbslView(entry.substr(middle + 1, last - middle - 1)), &churn.percent) ||
        !absl::SimpleAtoi(AbslView(entry.substr(last + 1)), &churn.interval_ms) ||
        churn.percent <= 0 || churn.percent > 100 || churn.interval_ms <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("want ID:PERCENT:INTERVAL_MS (percent 0-100, interval > 0), got '",
                       AbslView(entry), "'"));
    }
    churn.host_id = std::string(entry.substr(0, middle));
    out.push_back(std::move(churn));
  }
  return out;
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
  {
    std::unique_lock lock(mutex_);
    sizes_.clear();
    for (const HostSize& size : initial_) sizes_[Key(size.host_id, size.category)] = size.count;
  }
  {
    std::unique_lock lock(overlay_mutex_);
    overlays_.clear();
  }
  std::lock_guard lock(churn_mutex_);
  churn_.clear();
}

void HostRegistry::SetChurn(const HostChurn& churn, int64_t now_ms) {
  std::lock_guard lock(churn_mutex_);
  const Key key(churn.host_id, churn.category);
  if (churn.percent <= 0 || churn.interval_ms <= 0) {
    churn_.erase(key);
    return;
  }
  churn_[key] = ChurnState{churn, now_ms, 0};
}

void HostRegistry::ApplyDueChurn(const HostKey& key, int64_t now_ms) {
  std::lock_guard lock(churn_mutex_);
  if (churn_.empty()) return;
  const auto it = churn_.find(Key(key.host_id, key.category));
  if (it == churn_.end()) return;
  ChurnState& state = it->second;
  const uint64_t due =
      now_ms > state.start_ms
          ? static_cast<uint64_t>((now_ms - state.start_ms) / state.churn.interval_ms)
          : 0;
  if (due <= state.applied) return;
  const uint64_t first = std::max(state.applied, due > 1000 ? due - 1000 : 0);
  state.applied = due;
  ChangePorts(key, [&](const HostPorts& host, uint64_t count, PortOverlay& overlay) {
    for (uint64_t step = first; step < due; ++step) {
      ChurnStep(host, count, state.churn.percent, step, overlay);
    }
    return 0;
  });
}

std::shared_ptr<const PortOverlay> HostRegistry::OverlayFor(const HostKey& key) const {
  std::shared_lock lock(overlay_mutex_);
  if (overlays_.empty()) return nullptr;
  const auto it = overlays_.find(Key(key.host_id, key.category));
  return it != overlays_.end() ? it->second : nullptr;
}

void HostRegistry::ClearChanges(const HostKey& key) {
  std::unique_lock lock(overlay_mutex_);
  overlays_.erase(Key(key.host_id, key.category));
}

}  // namespace hss::sim
