#ifndef HSS_SIM_HOST_REGISTRY_H_
#define HSS_SIM_HOST_REGISTRY_H_

#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/data/port_generator.h"

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

// Parses `ID:COUNT[:CATEGORY][,ID:COUNT[:CATEGORY]...]` (the --hosts flag). The host id may
// itself contain ':' (the spec is split from the right). "" gives no hosts.
absl::StatusOr<std::vector<HostSize>> ParseHostSizes(std::string_view spec);

// The port counts of the simulated hosts: configured sizes (startup or runtime), else a fixed
// default, else the deterministic DefaultPortCount. Thread-safe.
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

  // Forgets runtime changes: back to the startup sizes.
  void Reset();

 private:
  using Key = std::pair<std::string, Category>;

  const std::vector<HostSize> initial_;
  const std::optional<uint64_t> default_count_;
  mutable std::shared_mutex mutex_;
  std::map<Key, uint64_t, std::less<>> sizes_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_HOST_REGISTRY_H_
