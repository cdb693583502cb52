#ifndef HSS_SERVER_WATCH_PORT_DIFF_H_
#define HSS_SERVER_WATCH_PORT_DIFF_H_

#include <vector>

#include "hss/ports/v1/ports.pb.h"
#include "server/watch/port_identity.h"

namespace hss::gateway {

// One poll's ports, deduplicated by identity (paging over a changing set can
// show a port twice).
struct PolledPorts {
  // The ports; of two with one identity, the one seen last is kept.
  PortSet ports;
  // Ports dropped because their identity was seen before in the poll.
  int duplicates = 0;
};

// Collects the ports of one poll into a PortSet.
PolledPorts CollectPorts(const std::vector<hss::ports::v1::Port>& ports);

// The changes that turn `before` into `after`, in identity order: KIND_ADDED
// for new identities, KIND_MODIFIED for identities whose state changed
// (SameState), KIND_REMOVED (with the port as last seen) for identities
// missing from `after` — only when `complete`, i.e. the poll's walk saw every
// port. Invariant: ApplyChanges(before, DiffPorts(before, after, true)) == after.
std::vector<hss::ports::v1::PortChange> DiffPorts(const PortSet& before, const PortSet& after,
                                                  bool complete);

// Applies `changes` in order to `ports`.
void ApplyChanges(const std::vector<hss::ports::v1::PortChange>& changes, PortSet& ports);

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_PORT_DIFF_H_
