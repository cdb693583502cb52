#ifndef HSS_SIM_CONNECTION_CONTROL_H_
#define HSS_SIM_CONNECTION_CONTROL_H_

// Breaking server-side TCP connections that the HTTP library owns. cpp-httplib does not hand its
// socket to handlers, so the socket is found by its address 4-tuple among the process's fds.

#include <string>

namespace hss::sim {

// The file descriptor of this process's TCP socket connected from `remote_addr`:`remote_port`
// to local port `local_port`, or -1. Addresses are numeric (as cpp-httplib reports them).
int FindConnectionFd(int local_port, const std::string& remote_addr, int remote_port);

// Closes the connection behind `fd` without answering — with FIN, or with RST when `reset` —
// while keeping `fd` a valid (now unconnected) descriptor, so the library's later writes fail
// harmlessly and its own close() cannot hit a reused descriptor. Returns false on failure.
bool AbortConnection(int fd, bool reset);

// shutdown(SHUT_RDWR)s every connected TCP socket of this process whose local port is
// `local_port` (wakes idle keep-alive connections when the server stops). Returns how many.
int ShutdownConnections(int local_port);

}  // namespace hss::sim

#endif  // HSS_SIM_CONNECTION_CONTROL_H_
