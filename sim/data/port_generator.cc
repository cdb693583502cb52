#include "sim/data/port_generator.h"

#include <array>
#include <charconv>
#include <cstring>
#include <utility>

namespace hss::sim {
namespace {

// splitmix64's finalizer: a bijective 64-bit mixer.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

uint64_t HashString(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix(h ^ s.size());
}

uint64_t HostHash(const HostKey& key) {
  uint64_t h = Mix(key.seed * kGolden + 0x5151);
  h = Mix(h ^ HashString(key.host_id));
  return Mix(h + (key.category == Category::kContainer ? 0xc0ffee : 0x4057));
}

// Writes 64 hex digits derived from `h` to out[0..64).
void Hex256(uint64_t h, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint64_t k = 0; k < 4; ++k) {
    const uint64_t v = Mix(h + (k + 1) * kGolden);
    for (int i = 0; i < 16; ++i) out[k * 16 + i] = kHex[(v >> (60 - 4 * i)) & 0xf];
  }
}

std::string Hex256(uint64_t h) {
  std::string out(64, '0');
  Hex256(h, out.data());
  return out;
}

constexpr std::array<std::string_view, 4> kStatusNames = {"normal", "danger", "unknow", "unknown"};

// Ports real servers listen on, with their usual protocol (true = UDP).
constexpr std::array<std::pair<int, bool>, 24> kWellKnownPorts = {{
    {22, false},    {53, true},    {68, true},     {80, false},   {111, false},   {123, true},
    {323, true},    {443, false},  {631, false},   {2379, false}, {3306, false},  {5353, true},
    {5432, false},  {6379, false}, {8080, false},  {8443, false}, {9090, false},  {9100, false},
    {10250, false}, {11211, true}, {27017, false}, {51820, true}, {65535, false}, {1, false},
}};

const std::string& LongPath() {
  static const std::string* const path = [] {
    auto* p = new std::string("/opt/very/long/installation/prefix/");
    while (p->size() < 256) p->push_back(static_cast<char>('a' + p->size() % 26));
    return p;
  }();
  return *path;
}

constexpr std::array<std::string_view, 22> kPaths = {
    "/usr/sbin/sshd",
    "/usr/sbin/chronyd",
    "/usr/sbin/dhclient",
    "/usr/sbin/nginx",
    "/usr/bin/dockerd",
    "/usr/bin/containerd",
    "/usr/lib/systemd/systemd-resolved",
    "/usr/sbin/rpcbind",
    "/usr/local/bin/redis-server",
    "/usr/lib/postgresql/15/bin/postgres",
    "/usr/sbin/mysqld",
    "/opt/hostguard/bin/hostguard",
    "/opt/数据/app",
    "/opt/服务/bin/网关-server",
    "/srv/café/bin/crème-brûlée",
    "/home/user/🚀/launch",
    "/opt/weird \"quoted\" dir/app",
    "C:\\Program Files\\App\\app.exe",
    "/tmp/tab\tpath/bin",
    "/tmp/ctl\x01"
    "char/bin",
    "",
    "",  // Placeholder for LongPath().
};

// Appends decimal `v` at `p`; returns the new end.
char* Dec(unsigned v, char* p) { return std::to_chars(p, p + 10, v).ptr; }

char* Copy(std::string_view s, char* p) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Writes the listening address derived from `h`; returns its length (< 48).
size_t Laddr(uint64_t h, char* buf) {
  const unsigned a = (h >> 8) & 0xff, b = (h >> 16) & 0xff, c = (h >> 24) & 0xff;
  const uint64_t pick = h % 100;
  char* p = buf;
  if (pick < 28) {
    p = Copy("0.0.0.0", p);
  } else if (pick < 43) {
    p = Copy("127.0.0.1", p);
  } else if (pick < 60) {
    p = Copy("::", p);
  } else if (pick < 70) {
    p = Copy("::1", p);
  } else if (pick < 85) {
    p = Dec(c, Copy(".", Dec(b, Copy(".", Dec(a, Copy("10.", p))))));
  } else if (pick < 92) {
    p = Dec(b, Copy(".", Dec(a, Copy("192.168.", p))));
  } else if (pick < 97) {
    p = Copy("fd12:3456:789a:", p);
    p = std::to_chars(p, p + 8, a, 16).ptr;
    p = Copy("::", p);
    p = std::to_chars(p, p + 8, (b << 8) | c, 16).ptr;
  } else {
    p = Dec(c, Copy(".", Dec(b, Copy(".", Dec(a, Copy("::ffff:10.", p))))));
  }
  return static_cast<size_t>(p - buf);
}

}  // namespace

std::string_view CategoryName(Category category) {
  return category == Category::kContainer ? "container" : "host";
}

std::optional<Category> ParseCategory(std::string_view name) {
  if (name == "host") return Category::kHost;
  if (name == "container") return Category::kContainer;
  return std::nullopt;
}

std::string_view PathAt(int index) {
  if (index < 0 || index >= PathCount()) return {};
  return index + 1 == PathCount() ? std::string_view(LongPath()) : kPaths[index];
}

int PathCount() { return static_cast<int>(kPaths.size()); }

std::string_view StatusName(int status) {
  if (status < 0 || status >= static_cast<int>(kStatusNames.size())) return {};
  return kStatusNames[status];
}

HostPorts::HostPorts(HostKey key)
    : key_(std::move(key)),
      host_hash_(HostHash(key_)),
      agent_id_(Hex256(Mix(host_hash_ ^ 0xa6e7))) {}

uint64_t HostPorts::RecordHash(uint64_t index) const {
  return Mix(host_hash_ ^ Mix(index * kGolden + 0x9127));
}

PortCore HostPorts::CoreAt(uint64_t index) const {
  const uint64_t h = RecordHash(index);
  PortCore core;
  const uint64_t port_pick = h % 100;
  if (port_pick < 40) {
    const auto& [port, udp] = kWellKnownPorts[(h >> 7) % kWellKnownPorts.size()];
    core.port = port;
    core.udp = ((h >> 13) % 10 == 0) ? !udp : udp;  // Mostly the usual protocol.
  } else {
    core.port = static_cast<int>(1 + (h >> 7) % 65535);
    core.udp = (h >> 29) % 10 < 3;
  }
  if (index % 307 != 306) {
    const uint64_t s = (h >> 33) % 100;
    core.status = s < 55 ? 0 : s < 70 ? 1 : s < 90 ? 2 : 3;
  }
  return core;
}

PortView HostPorts::ViewAt(uint64_t index) const {
  PortView v;
  v.core = CoreAt(index);
  const uint64_t h2 = Mix(RecordHash(index) + kGolden);
  if (index % 211 != 210) {
    v.has_laddr = true;
    v.laddr_size = Laddr(h2, v.laddr_buf);
  }
  if (index % 97 != 96) {
    const uint64_t p = (h2 >> 40) % 100;
    v.has_pid = true;
    v.pid = p == 0 ? 1 : static_cast<long long>(100 + (h2 >> 20) % (p < 90 ? 65000 : 4194000));
  }
  if (index % 101 != 100) v.path = static_cast<int>((h2 >> 45) % kPaths.size());
  if (key_.category == Category::kContainer) {
    v.container = PortView::Container::kHex;
    Hex256(Mix(host_hash_ ^ Mix(index / 7 + 0xc0)), v.container_hex);
  } else if (index % 89 == 88) {
    v.container = PortView::Container::kNull;
  }
  return v;
}

PortRecord HostPorts::At(uint64_t index) const {
  const PortView v = ViewAt(index);
  PortRecord r;
  r.host_id = key_.host_id;
  r.port = v.core.port;
  r.type = v.core.udp ? "UDP" : "TCP";
  if (v.core.status >= 0) r.status = std::string(StatusName(v.core.status));
  if (v.has_laddr) r.laddr = std::string(v.laddr());
  if (v.has_pid) r.pid = v.pid;
  if (v.path >= 0) r.path = std::string(PathAt(v.path));
  r.agent_id = agent_id_;
  if (v.container == PortView::Container::kHex) {
    r.container_id = std::string(v.container_hex, sizeof(v.container_hex));
  } else if (v.container == PortView::Container::kEmpty) {
    r.container_id = "";
  }
  return r;
}

PortRecord GeneratePort(const HostKey& key, uint64_t index) { return HostPorts(key).At(index); }

uint64_t DefaultPortCount(const HostKey& key) { return Mix(HostHash(key) ^ 0xc0417) % 301; }

}  // namespace hss::sim
