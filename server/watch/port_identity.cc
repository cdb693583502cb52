#include "server/watch/port_identity.h"

namespace hss::gateway {

PortIdentity IdentityOf(const hss::ports::v1::Port& port) {
  return PortIdentity{static_cast<int>(port.type()), port.laddr(), port.port(),
                      port.container_id()};
}

bool SameState(const hss::ports::v1::Port& a, const hss::ports::v1::Port& b) {
  return a.pid() == b.pid() && a.path() == b.path() && a.status() == b.status() &&
         a.status_text() == b.status_text() && a.agent_id() == b.agent_id() &&
         a.host_id() == b.host_id();
}

}  // namespace hss::gateway
