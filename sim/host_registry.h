#ifndef HSS_SIM_HOST_REGISTRY_H_
#define HSS_SIM_HOST_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/data/port_generator.h"
#include "sim/data/port_overlay.h"

namespace hss::sim {

// A configured host size.
struct HostSize {
  // The host_id.
  std::string host_id;
  // Which list of the host.
  Category category = Category::kHost;
  // Number of ports.
  uint64_t count = 0;
};

// Churn of one host's ports: `percent` % of them changed every `interval_ms` (port_churn.h).
struct HostChurn {
  // The host_id.
  std::string host_id;
  // Which list of the host.
  Category category = Category::kHost;
  // Ports changed per step, in % of the current count (at least one per step).
  double percent = 0;
  // Milliseconds between steps (> 0).
  int64_t interval_ms = 0;
};

// Parses `ID:PERCENT:INTERVAL_MS[,...]` (the --churn flag; host category). "" gives none.
absl::StatusOr<std::vector<HostChurn>> ParseHostChurn(std::string_view spec);

// Parses `ID:COUNT[:CATEGORY][,ID:COUNT[:CATEGORY]...]` (the --hosts flag). The host id may
// itself contain ':' (the spec is split from the right). "" gives no hosts.
absl::StatusOr<std::vector<HostSize>> ParseHostSizes(std::string_view spec);

// The port counts of the simulated hosts: configured sizes (startup or runtime), else a fixed
// default, else the deterministic DefaultPortCount; plus each host's run-time changes
// (PortOverlay: opened, closed and changed ports). Thread-safe.
class HostRegistry {
 public:
  // `initial` are the startup sizes; `default_count` (if set) applies to all other hosts.
  HostRegistry(std::vector<HostSize> initial, std::optional<uint64_t> default_count);

  // Sets (or changes) the size of one host's list.
  void Set(const HostSize& size);

  // The port count of `key`.
  uint64_t CountFor(const HostKey& key) const;

  // All explicitly configured sizes, sorted by (host_id, category).
  std::vector<HostSize> List() const;

  // Forgets runtime changes: back to the startup sizes, no port changes.
  void Reset();

  // The port changes of `key`'s list; null when it has none. The snapshot stays valid (and
  // unchanged) while later changes are made.
  std::shared_ptr<const PortOverlay> OverlayFor(const HostKey& key) const;

  // Changes `key`'s list: `change` edits a copy of its overlay (given the host's generated data
  // and count), which then replaces the current one atomically. Returns `change`'s result.
  template <typename Change>
  auto ChangePorts(const HostKey& key, Change&& change) {
    const HostPorts host(key);
    const uint64_t count = CountFor(key);
    std::unique_lock lock(overlay_mutex_);
    std::shared_ptr<const PortOverlay>& slot = overlays_[Key(key.host_id, key.category)];
    auto next =
        slot != nullptr ? std::make_shared<PortOverlay>(*slot) : std::make_shared<PortOverlay>();
    auto result = change(host, count, *next);
    slot = std::move(next);
    return result;
  }

  // Drops the port changes of `key`'s list.
  void ClearChanges(const HostKey& key);

  // Churns `churn`'s list from `now_ms` on (a clock in milliseconds), replacing any churn of it;
  // percent 0 stops it.
  void SetChurn(const HostChurn& churn, int64_t now_ms);

  // Applies the churn steps of `key`'s list due at `now_ms` (at most 1000 at once; steps missed
  // beyond are skipped). Called before each of its pages is answered, so churn needs no thread.
  void ApplyDueChurn(const HostKey& key, int64_t now_ms);

 private:
  using Key = std::pair<std::string, Category>;

  const std::vector<HostSize> initial_;
  const std::optional<uint64_t> default_count_;
  mutable std::shared_mutex mutex_;
  std::map<Key, uint64_t, std::less<>> sizes_;
  // Serializes ChangePorts (a read-modify-write) and guards overlays_.
  mutable std::shared_mutex overlay_mutex_;
  std::map<Key, std::shared_ptr<const PortOverlay>, std::less<>> overlays_;
  struct ChurnState {
    HostChurn churn;
    int64_t start_ms = 0;
    uint64_t applied = 0;
  };
  std::mutex churn_mutex_;
  std::map<Key, ChurnState, std::less<>> churn_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_HOST_REGISTRY_H_
