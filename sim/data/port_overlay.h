#ifndef HSS_SIM_DATA_PORT_OVERLAY_H_
#define HSS_SIM_DATA_PORT_OVERLAY_H_

// Run-time changes of one simulated host's ports, layered over the storage-free generated list
// (port_generator.h) so that tests can open, close and change ports while the data stays
// deterministic.
//
// The current list of a host of `count` generated records is: every generated record i in index
// order that was not removed (replaced by its modified version, if any), followed by the added
// records in the order they were added. Filters and paging (port_query.h) apply to that list.
// A host without changes costs nothing; a changed host's pages cost O(count).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "sim/data/port_generator.h"
#include "sim/data/port_query.h"

namespace hss::sim {

// True if `record` passes `filter` (the same rules as Matches() on generated records).
bool MatchesRecord(const PortRecord& record, const PortFilter& filter);

// True if `a` and `b` are the same port: equal (type, laddr, port, container_id).
bool SameIdentity(const PortRecord& a, const PortRecord& b);

// The changes of one host's list. Not thread-safe (HostRegistry guards it); copyable.
class PortOverlay {
 public:
  // Where a record of the current list comes from.
  struct Position {
    // True: added record `index`; false: generated record `index`.
    bool added = false;
    // The index in its list.
    uint64_t index = 0;
  };

  // True when nothing was changed.
  bool empty() const { return removed_.empty() && modified_.empty() && added_.empty(); }

  // Appends a new record (an opened port).
  void Add(PortRecord record);

  // Removes the record at `position` (a closed port); a removed one stays removed.
  void Remove(const Position& position);

  // Replaces the record at `position` with `record` (a changed port).
  void Replace(const Position& position, PortRecord record);

  // The record at `position` as it is now; nullopt if it is removed or out of range.
  std::optional<PortRecord> At(const HostPorts& host, uint64_t count,
                               const Position& position) const;

  // The first record of the current list with `identity`'s (type, laddr, port, container_id).
  std::optional<Position> Find(const HostPorts& host, uint64_t count,
                               const PortRecord& identity) const;

  // Records in the current list (no filter).
  uint64_t Size(uint64_t count) const;

  // The page of the current list, as QueryPorts() answers for an unchanged host.
  PortPage Query(const HostPorts& host, uint64_t count, const PortFilter& filter, uint64_t offset,
                 uint64_t limit) const;

 private:
  // Generated records removed (indexes).
  std::set<uint64_t> removed_;
  // Generated records replaced, by index.
  std::map<uint64_t, PortRecord> modified_;
  // Added records; a removed one becomes nullopt (positions stay stable).
  std::vector<std::optional<PortRecord>> added_;
};

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_PORT_OVERLAY_H_
