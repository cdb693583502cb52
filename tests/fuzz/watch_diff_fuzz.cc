// Fuzzes WatchPorts' change computation (server/watch/port_diff.h) and its
// batching into messages (server/watch/change_batches.h), as a consumer sees
// them.
//
// Input (FuzzedDataProvider): two polls of up to 64 ports each, drawn from a
// small space of identities (so polls overlap, repeat ports and modify them),
// whether the second poll's walk was complete, and the changes per message.
// Invariants: CollectPorts keeps one port per identity (the one seen last) and
// counts the rest as duplicates; a consumer that applies the snapshot messages
// of the first poll and then the change messages of the diff, by the proto's
// rules (reset discards what it holds; total_num is what it holds after the
// message; synced on the last message only), holds exactly the second poll
// when it was complete, and the second poll plus the first poll's other ports
// when it was not (no KIND_REMOVED then); every identity changes at most
// once; no change for a port whose state is the same; diffing a set against
// itself gives nothing.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/watch/change_batches.h"
#include "server/watch/port_diff.h"
#include "server/watch/port_identity.h"

namespace {

using hss::gateway::PortIdentity;
using hss::gateway::PortSet;
using hss::ports::v1::Port;
using hss::ports::v1::PortChange;
using hss::ports::v1::WatchPortsResponse;

void Check(bool ok) {
  if (!ok) std::abort();
}

// One port: identity fields from a few values each, state fields likewise.
Port ConsumePort(FuzzedDataProvider& in) {
  static const char* const kAddrs[] = {"0.0.0.0", "127.0.0.1", "::", "10.0.0.7"};
  static const char* const kContainers[] = {"", "c-1", "c-2"};
  Port port;
  port.set_type(static_cast<hss::ports::v1::Protocol>(in.ConsumeIntegralInRange(0, 3)));
  port.set_laddr(kAddrs[in.ConsumeIntegralInRange(0, 3)]);
  port.set_port(in.ConsumeIntegralInRange(0, 7) * 1000 + 22);
  port.set_container_id(kContainers[in.ConsumeIntegralInRange(0, 2)]);
  port.set_pid(in.ConsumeIntegralInRange(0, 3));
  port.set_path(in.ConsumeBool() ? "/usr/sbin/sshd" : in.ConsumeRandomLengthString(16));
  port.set_status(static_cast<hss::ports::v1::PortStatus>(in.ConsumeIntegralInRange(0, 4)));
  port.set_status_text(in.ConsumeBool() ? "normal" : "danger");
  port.set_agent_id(in.ConsumeBool() ? "agent-1" : "agent-2");
  port.set_host_id("host-1");
  return port;
}

std::vector<Port> ConsumePoll(FuzzedDataProvider& in) {
  std::vector<Port> ports(in.ConsumeIntegralInRange(0, 64));
  for (Port& port : ports) port = ConsumePort(in);
  return ports;
}

// CollectPorts: one port per identity, the last one seen; the rest counted.
void CheckCollected(const std::vector<Port>& raw, const hss::gateway::PolledPorts& polled) {
  Check(polled.ports.size() + polled.duplicates == raw.size());
  for (const auto& [identity, port] : polled.ports) {
    Check(hss::gateway::IdentityOf(port) == identity);
    const Port* last = nullptr;
    for (const Port& p : raw) {
      if (hss::gateway::IdentityOf(p) == identity) last = &p;
    }
    Check(last != nullptr && google::protobuf::util::MessageDifferencer::Equals(*last, port));
  }
}

// Applies one message as a consumer does, checking its own fields.
void Apply(const WatchPortsResponse& message, bool last, int interval_seconds, PortSet& held) {
  if (message.reset()) held.clear();
  for (const PortChange& change : message.changes()) {
    Check(change.kind() != PortChange::KIND_UNSPECIFIED);
    const PortIdentity identity = hss::gateway::IdentityOf(change.port());
    if (change.kind() == PortChange::KIND_ADDED) Check(held.count(identity) == 0);
    if (change.kind() != PortChange::KIND_ADDED) Check(held.count(identity) == 1);
    if (change.kind() == PortChange::KIND_REMOVED) {
      held.erase(identity);
    } else {
      held.insert_or_assign(identity, change.port());
    }
  }
  Check(message.synced() == last);
  Check(message.total_num() == static_cast<int>(held.size()));
  Check(message.interval_seconds() == interval_seconds);
}

bool SameSet(const PortSet& a, const PortSet& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    if (!(ia->first == ib->first) ||
        !google::protobuf::util::MessageDifferencer::Equals(ia->second, ib->second)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::vector<Port> first_raw = ConsumePoll(in);
  const std::vector<Port> second_raw = ConsumePoll(in);
  const bool complete = in.ConsumeBool();
  hss::gateway::BatchOptions options;
  options.max_changes_per_message = in.ConsumeIntegralInRange(1, 8);
  options.interval_seconds = in.ConsumeIntegralInRange(0, 3600);

  const hss::gateway::PolledPorts first = hss::gateway::CollectPorts(first_raw);
  const hss::gateway::PolledPorts second = hss::gateway::CollectPorts(second_raw);
  CheckCollected(first_raw, first);
  CheckCollected(second_raw, second);

  // A consumer joins: the snapshot of the first poll.
  PortSet held;
  const std::vector<WatchPortsResponse> snapshot =
      hss::gateway::SnapshotMessages(first.ports, options);
  Check(!snapshot.empty() && snapshot.front().reset());
  for (size_t i = 0; i < snapshot.size(); ++i) {
    Check(i == 0 || !snapshot[i].reset());
    Check(snapshot[i].changes_size() <= options.max_changes_per_message);
    Apply(snapshot[i], i + 1 == snapshot.size(), options.interval_seconds, held);
  }
  Check(SameSet(held, first.ports));

  // The second poll's changes.
  const std::vector<PortChange> changes =
      hss::gateway::DiffPorts(first.ports, second.ports, complete);
  std::set<PortIdentity> changed;
  for (const PortChange& change : changes) {
    const PortIdentity identity = hss::gateway::IdentityOf(change.port());
    Check(changed.insert(identity).second);
    Check(complete || change.kind() != PortChange::KIND_REMOVED);
    const auto before = first.ports.find(identity);
    if (change.kind() == PortChange::KIND_MODIFIED) {
      Check(before != first.ports.end() && !hss::gateway::SameState(before->second, change.port()));
    }
  }
  const std::vector<WatchPortsResponse> messages =
      hss::gateway::ChangeMessages(changes, static_cast<int>(held.size()), options);
  Check(messages.empty() == changes.empty());
  for (size_t i = 0; i < messages.size(); ++i) {
    Check(!messages[i].reset());
    Check(messages[i].changes_size() >= 1 &&
          messages[i].changes_size() <= options.max_changes_per_message);
    Apply(messages[i], i + 1 == messages.size(), options.interval_seconds, held);
  }
  PortSet expected = second.ports;
  if (!complete) expected.insert(first.ports.begin(), first.ports.end());  // keeps second's
  Check(SameSet(held, expected));

  // Nothing changed, nothing sent.
  Check(hss::gateway::DiffPorts(second.ports, second.ports, complete).empty());
  return 0;
}
