#ifndef HSS_SERVER_WATCH_PORT_IDENTITY_H_
#define HSS_SERVER_WATCH_PORT_IDENTITY_H_

#include <compare>
#include <map>
#include <string>

#include "hss/ports/v1/ports.pb.h"

namespace hss::gateway {

// What makes a port the same port from one poll to the next: (type, laddr,
// port, container_id). Every other field may change (KIND_MODIFIED).
struct PortIdentity {
  // hss.ports.v1.Protocol.
  int type = 0;
  // Listening address.
  std::string laddr;
  // Port number.
  int port = 0;
  // Container id ("" for host ports).
  std::string container_id;

  // Field-wise order (so a PortSet iterates deterministically).
  auto operator<=>(const PortIdentity&) const = default;
  // Field-wise equality.
  bool operator==(const PortIdentity&) const = default;
};

// The identity of `port`.
PortIdentity IdentityOf(const hss::ports::v1::Port& port);

// True when `a` and `b` (of one identity) differ in nothing a watcher sees:
// pid, path, status, status_text, agent_id and host_id are equal.
bool SameState(const hss::ports::v1::Port& a, const hss::ports::v1::Port& b);

// A server's ports as a watcher holds them: one port per identity.
using PortSet = std::map<PortIdentity, hss::ports::v1::Port>;

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_PORT_IDENTITY_H_
