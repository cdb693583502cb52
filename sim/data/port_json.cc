#include "sim/data/port_json.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "sim/data/json_escape.h"

namespace hss::sim {
namespace {

void AppendKey(const char* key, bool& first, std::string& out) {
  if (!first) out.push_back(',');
  first = false;
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

void AppendString(const char* key, const std::optional<std::string>& value, bool& first,
                  std::string& out) {
  if (!value) return;
  AppendKey(key, first, out);
  AppendJsonString(*value, out);
}

// PathAt(i) as JSON string literals.
const std::vector<std::string>& EscapedPaths() {
  static const std::vector<std::string>* const paths = [] {
    auto* out = new std::vector<std::string>();
    for (int i = 0; i < PathCount(); ++i) out->push_back(JsonString(PathAt(i)));
    return out;
  }();
  return *paths;
}

void AppendInt(long long v, std::string& out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof(buf), v).ptr;
  out.append(buf, static_cast<size_t>(end - buf));
}

// Serializes records of one host; the host-constant parts are prepared once.
class FastWriter {
 public:
  explicit FastWriter(const HostPorts& host)
      : host_(host),
        head_("{\"agent_id\":\"" + host.agent_id() + "\",\"container_id\":"),
        host_part_(",\"host_id\":" + JsonString(host.key().host_id)),
        paths_(EscapedPaths()) {}

  void Append(uint64_t index, std::string& out) const {
    const PortView v = host_.ViewAt(index);
    out.append(head_);
    switch (v.container) {
      case PortView::Container::kEmpty:
        out.append("\"\"");
        break;
      case PortView::Container::kNull:
        out.append("null");
        break;
      case PortView::Container::kHex:
        out.push_back('"');
        out.append(v.container_hex, sizeof(v.container_hex));
        out.push_back('"');
        break;
    }
    out.append(host_part_);
    if (v.has_laddr) {
      out.append(",\"laddr\":\"");
      out.append(v.laddr());  // Digits, '.', ':' and hex only: nothing to escape.
      out.push_back('"');
    }
    if (v.path >= 0) {
      out.append(",\"path\":");
      out.append(paths_[v.path]);
    }
    if (v.has_pid) {
      out.append(",\"pid\":");
      AppendInt(v.pid, out);
    }
    out.append(",\"port\":");
    AppendInt(v.core.port, out);
    if (v.core.status >= 0) {
      out.append(",\"status\":\"");
      out.append(StatusName(v.core.status));
      out.push_back('"');
    }
    out.append(v.core.udp ? ",\"type\":\"UDP\"}" : ",\"type\":\"TCP\"}");
  }

 private:
  const HostPorts& host_;
  const std::string head_;
  const std::string host_part_;
  const std::vector<std::string>& paths_;
};

}  // namespace

void AppendPortRecordJson(const PortRecord& record, std::string& out) {
  bool first = true;
  out.push_back('{');
  AppendString("agent_id", record.agent_id, first, out);
  AppendKey("container_id", first, out);
  if (record.container_id) {
    AppendJsonString(*record.container_id, out);
  } else {
    out.append("null");
  }
  AppendKey("host_id", first, out);
  AppendJsonString(record.host_id, out);
  AppendString("laddr", record.laddr, first, out);
  AppendString("path", record.path, first, out);
  if (record.pid) {
    AppendKey("pid", first, out);
    out.append(std::to_string(*record.pid));
  }
  AppendKey("port", first, out);
  out.append(std::to_string(record.port));
  AppendString("status", record.status, first, out);
  AppendKey("type", first, out);
  AppendJsonString(record.type, out);
  out.push_back('}');
}

std::string ListPortsJson(const PortPage& page) {
  std::string out;
  out.reserve(64 + page.data_list.size() * 320);
  out.append("{\"total_num\":");
  out.append(std::to_string(page.total_num));
  out.append(",\"data_list\":[");
  for (size_t i = 0; i < page.data_list.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendPortRecordJson(page.data_list[i], out);
  }
  out.append("]}");
  return out;
}

std::string ListPortsJson(const HostPorts& host, uint64_t count, const PortFilter& filter,
                          uint64_t offset, uint64_t limit, std::optional<uint64_t> reported_total) {
  const FastWriter writer(host);
  const auto head = [reported_total](uint64_t total, std::string& out) {
    out.append("{\"total_num\":");
    AppendInt(static_cast<long long>(reported_total.value_or(total)), out);
    out.append(",\"data_list\":[");
  };
  std::string out;
  if (filter.empty()) {
    const uint64_t begin = std::min(offset, count);
    const uint64_t end = begin + std::min(limit, count - begin);
    out.reserve(48 + (end - begin) * 340);
    head(count, out);
    for (uint64_t i = begin; i < end; ++i) {
      if (i > begin) out.push_back(',');
      writer.Append(i, out);
    }
    out.append("]}");
    return out;
  }
  std::string records;
  uint64_t total = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (!Matches(host.CoreAt(i), filter)) continue;
    if (total >= offset && total - offset < limit) {
      if (!records.empty()) records.push_back(',');
      writer.Append(i, records);
    }
    ++total;
  }
  out.reserve(records.size() + 48);
  head(total, out);
  out.append(records);
  out.append("]}");
  return out;
}

}  // namespace hss::sim
