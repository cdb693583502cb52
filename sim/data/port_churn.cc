#include "sim/data/port_churn.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace hss::sim {
namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

ChurnResult ChurnStep(const HostPorts& host, uint64_t count, double percent, uint64_t step,
                      PortOverlay& overlay) {
  ChurnResult result;
  const uint64_t size = overlay.Size(count);
  const uint64_t changes = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::llround(static_cast<double>(size) * percent / 100.0)));
  // Positions in the current list, picked before changing anything (distinct, sorted from the
  // back so that closing one does not move the others).
  const PortPage all = overlay.Query(host, count, {}, 0, size);
  std::vector<PortRecord> picked;
  std::vector<bool> taken(all.data_list.size(), false);
  for (uint64_t j = 0; j < changes && picked.size() < all.data_list.size(); ++j) {
    uint64_t p = Mix(step * 1'000'003 + j) % all.data_list.size();
    while (taken[p]) p = (p + 1) % all.data_list.size();
    taken[p] = true;
    picked.push_back(all.data_list[p]);
  }
  for (uint64_t j = 0; j < changes; ++j) {
    const uint64_t kind = (step + j) % 3;
    if (kind == 2 || j >= picked.size()) {
      // Open: a generated-looking record with a port no generated one is likely to have.
      PortRecord record = host.At(count + Mix(step * 7 + j) % 1'000'000);
      record.port = 1 + static_cast<int>(Mix(step * 131 + j * 17) % 65535);
      record.laddr = "198.51.100." + std::to_string(1 + (step + j) % 250);
      overlay.Add(std::move(record));
      ++result.opened;
      continue;
    }
    const std::optional<PortOverlay::Position> position = overlay.Find(host, count, picked[j]);
    if (!position) continue;
    if (kind == 0) {
      overlay.Remove(*position);
      ++result.closed;
    } else {
      PortRecord record = picked[j];
      record.pid = record.pid.value_or(0) + 1 + static_cast<long long>(step % 1000);
      overlay.Replace(*position, std::move(record));
      ++result.modified;
    }
  }
  return result;
}

}  // namespace hss::sim
