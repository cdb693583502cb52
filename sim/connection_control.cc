#include "sim/connection_control.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>

namespace hss::sim {
namespace {

// Numeric address and port of a socket address, as cpp-httplib formats them.
bool Describe(const sockaddr_storage& addr, socklen_t len, std::string& ip, int& port) {
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof(host), nullptr, 0,
                  NI_NUMERICHOST) != 0) {
    return false;
  }
  ip = host;
  if (addr.ss_family == AF_INET) {
    port = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    port = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  } else {
    return false;
  }
  return true;
}

bool LocalPort(int fd, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
  std::string ip;
  return Describe(addr, len, ip, port);
}

bool Peer(int fd, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
  return Describe(addr, len, ip, port);
}

// Calls `fn(fd)` for each open descriptor; stops when it returns false.
void ForEachFd(const std::function<bool(int)>& fn) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int own = dirfd(dir);
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd == own) continue;
    if (!fn(fd)) break;
  }
  closedir(dir);
}

}  // namespace

int FindConnectionFd(int local_port, const std::string& remote_addr, int remote_port) {
  int found = -1;
  ForEachFd([&](int fd) {
    int port = 0, peer_port = 0;
    std::string peer_ip;
    if (LocalPort(fd, port) && port == local_port && Peer(fd, peer_ip, peer_port) &&
        peer_port == remote_port && peer_ip == remote_addr) {
      found = fd;
      return false;
    }
    return true;
  });
  return found;
}

bool AbortConnection(int fd, bool reset) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
  if (reset) {
    const linger abort_on_close{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
  }
  const int placeholder = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder < 0) return false;
  // dup2 closes the connected socket (its only reference) and leaves `fd` pointing to an
  // unconnected socket.
  const bool ok = dup2(placeholder, fd) == fd;
  close(placeholder);
  return ok;
}

int ShutdownConnections(int local_port) {
  int count = 0;
  ForEachFd([&](int fd) {
    int port = 0, peer_port = 0;
    std::string peer_ip;
    if (LocalPort(fd, port) && port == local_port && Peer(fd, peer_ip, peer_port)) {
      shutdown(fd, SHUT_RDWR);
      ++count;
    }
    return true;
  });
  return count;
}

}  // namespace hss::sim
