#ifndef HSS_SIM_DATA_PORT_GENERATOR_H_
#define HSS_SIM_DATA_PORT_GENERATOR_H_

// Deterministic, storage-free open-port data of the simulated HSS.
//
// Record i of a host is a pure function of (seed, host_id, category, i) and costs O(1) to compute,
// so a host may have millions of ports without any memory. Tests link hss_sim_lib and call
// GeneratePort / QueryPorts (port_query.h) to know exactly what the simulator answers.
//
// Field rules (all counted on the record index i, 0-based):
// - `port` and `type` are always present; port is in 1..65535, type is "TCP" or "UDP".
// - `pid` is absent when i % 97 == 96.
// - `path` is absent when i % 101 == 100. Paths include non-ASCII UTF-8 ("/opt/数据/app"), an
//   emoji, a double quote, a backslash, a tab, a 0x01 control byte, "" and a 256-byte path.
// - `laddr` is absent when i % 211 == 210; otherwise IPv4 or IPv6 (0.0.0.0, 127.0.0.1, ::, ::1,
//   10.x.y.z, 192.168.x.y, fd12:3456:789a:x::y, ::ffff:10.x.y.z).
// - `status` is absent when i % 307 == 306; otherwise "normal", "danger", "unknow" (the live API's
//   spelling) or "unknown".
// - `agent_id` (64 hex digits, one per host) is always present.
// - `container_id` is always present: category host gives "" except JSON null when i % 89 == 88;
//   category container gives 64 hex digits, shared by runs of 7 consecutive records.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hss::sim {

// The `category` query parameter: host ports or container ports.
enum class Category { kHost, kContainer };

// "host" or "container".
std::string_view CategoryName(Category category);

// Parses "host" / "container" (exact, lower case); nullopt for anything else.
std::optional<Category> ParseCategory(std::string_view name);

// Identifies one simulated port list: the data of (seed, host_id, category).
struct HostKey {
  // The simulator's --seed.
  uint64_t seed = 1;
  // The queried host_id, echoed in every record.
  std::string host_id;
  // Host or container ports (independent lists).
  Category category = Category::kHost;
};

// One PortResponseInfo as the simulator serializes it. nullopt means "field omitted", except for
// `container_id` where nullopt is serialized as JSON null.
struct PortRecord {
  // Always the queried host_id.
  std::string host_id;
  // Listening address; omitted on some records.
  std::optional<std::string> laddr;
  // "normal", "danger", "unknown" or "unknow"; omitted on some records.
  std::optional<std::string> status;
  // 1..65535.
  int port = 0;
  // "TCP" or "UDP".
  std::string type;
  // Process id; omitted on every 97th record.
  std::optional<long long> pid;
  // Executable path (any UTF-8, ≤256 bytes); omitted on some records.
  std::optional<std::string> path;
  // 64 lower-case hex digits, constant per host.
  std::optional<std::string> agent_id;
  // "" / 64 hex digits; nullopt is serialized as JSON null.
  std::optional<std::string> container_id;

  // Field-wise equality.
  bool operator==(const PortRecord& other) const = default;
};

// The cheap, allocation-free parts of a record that filters look at.
struct PortCore {
  // 1..65535.
  int port = 0;
  // True for UDP, false for TCP.
  bool udp = false;
  // Index into the status names ("normal", "danger", "unknow", "unknown"), or -1 if omitted.
  int status = -1;
};

// The status spellings a record can carry, indexed by PortCore::status.
std::string_view StatusName(int status);

// The executable paths records use (index PortView::path); some need JSON escaping.
std::string_view PathAt(int index);

// Number of entries of PathAt.
int PathCount();

// All fields of one record without heap allocation (PortRecord is built from it).
struct PortView {
  // port / type / status.
  PortCore core;
  // Whether laddr is present, and its text in laddr_buf[0..laddr_size).
  bool has_laddr = false;
  // Storage of laddr (ASCII).
  char laddr_buf[48] = {};
  // Length of laddr.
  size_t laddr_size = 0;
  // Whether pid is present.
  bool has_pid = false;
  // The pid.
  long long pid = 0;
  // Index into PathAt, or -1 if path is omitted.
  int path = -1;
  // container_id: "" (kEmpty), null (kNull) or container_hex (kHex).
  enum class Container { kEmpty, kNull, kHex } container = Container::kEmpty;
  // 64 hex digits when container == kHex.
  char container_hex[64] = {};

  // laddr as a view into laddr_buf.
  std::string_view laddr() const { return std::string_view(laddr_buf, laddr_size); }
};

// Precomputes the per-host hash so that records of one host are generated in O(1) each.
class HostPorts {
 public:
  // Binds to `key` (copied).
  explicit HostPorts(HostKey key);

  // The key this generator was built for.
  const HostKey& key() const { return key_; }

  // The 64-hex-digit agent id of the host.
  const std::string& agent_id() const { return agent_id_; }

  // Record `index` (any value; callers keep it below the host's port count).
  PortRecord At(uint64_t index) const;

  // Record `index` without heap allocation.
  PortView ViewAt(uint64_t index) const;

  // The filterable fields of record `index`, without building strings.
  PortCore CoreAt(uint64_t index) const;

 private:
  uint64_t RecordHash(uint64_t index) const;

  HostKey key_;
  uint64_t host_hash_;
  std::string agent_id_;
};

// Record `index` of `key`'s port list (same as HostPorts(key).At(index)).
PortRecord GeneratePort(const HostKey& key, uint64_t index);

// The port count of a host nobody configured: deterministic in 0..300 from
// hash(seed, host_id, category).
uint64_t DefaultPortCount(const HostKey& key);

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_PORT_GENERATOR_H_
