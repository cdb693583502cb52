#include "server/watch/port_diff.h"

#include <utility>

namespace hss::gateway {

using hss::ports::v1::Port;
using hss::ports::v1::PortChange;

PolledPorts CollectPorts(const std::vector<Port>& ports) {
  PolledPorts out;
  for (const Port& port : ports) {
    auto [it, inserted] = out.ports.insert_or_assign(IdentityOf(port), port);
    if (!inserted) ++out.duplicates;
  }
  return out;
}

std::vector<PortChange> DiffPorts(const PortSet& before, const PortSet& after, bool complete) {
  std::vector<PortChange> changes;
  const auto add = [&](PortChange::Kind kind, const Port& port) {
    PortChange& change = changes.emplace_back();
    change.set_kind(kind);
    *change.mutable_port() = port;
  };
  auto b = before.begin();
  auto a = after.begin();
  // A merge of two sorted maps: O(|before| + |after|).
  while (b != before.end() || a != after.end()) {
    if (a == after.end() || (b != before.end() && b->first < a->first)) {
      if (complete) add(PortChange::KIND_REMOVED, b->second);
      ++b;
    } else if (b == before.end() || a->first < b->first) {
      add(PortChange::KIND_ADDED, a->second);
      ++a;
    } else {
      if (!SameState(b->second, a->second)) add(PortChange::KIND_MODIFIED, a->second);
      ++a;
      ++b;
    }
  }
  return changes;
}

void ApplyChanges(const std::vector<PortChange>& changes, PortSet& ports) {
  for (const PortChange& change : changes) {
    if (change.kind() == PortChange::KIND_REMOVED) {
      ports.erase(IdentityOf(change.port()));
    } else {
      ports.insert_or_assign(IdentityOf(change.port()), change.port());
    }
  }
}

}  // namespace hss::gateway
