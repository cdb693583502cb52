#include "client/port_table.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "client/terminal_text.h"

namespace hss::client {
namespace {

using ::hss::ports::v1::Port;

constexpr std::array<const char*, PortTable::kColumns> kHeaders = {
    "PORT", "TYPE", "STATUS", "LADDR", "PID", "PATH", "CONTAINER"};
constexpr std::array<bool, PortTable::kColumns> kRightAligned = {true, false, false, false,
                                                                 true, false, false};

std::string TextCell(const std::string& text) {
  return text.empty() ? "-" : EscapeForTerminal(text);
}

std::string TypeCell(const Port& port) {
  switch (port.type()) {
    case hss::ports::v1::PROTOCOL_TCP:
      return "tcp";
    case hss::ports::v1::PROTOCOL_UDP:
      return "udp";
    default:
      return "-";
  }
}

std::string StatusCell(const Port& port) {
  switch (port.status()) {
    case hss::ports::v1::PORT_STATUS_NORMAL:
      return "normal";
    case hss::ports::v1::PORT_STATUS_DANGER:
      return "danger";
    case hss::ports::v1::PORT_STATUS_UNKNOWN:
      return "unknown";
    default:
      return TextCell(port.status_text());
  }
}

std::array<std::string, PortTable::kColumns> Cells(const Port& port) {
  return {absl::StrCat(port.port()),
          TypeCell(port),
          StatusCell(port),
          TextCell(port.laddr()),
          port.pid() == 0 ? "-" : absl::StrCat(port.pid()),
          TextCell(port.path()),
          TextCell(port.container_id())};
}

}  // namespace

PortTable::PortTable() {
  for (std::size_t i = 0; i < kColumns; ++i) widths_[i] = DisplayWidth(kHeaders[i]);
}

void PortTable::Fit(const google::protobuf::RepeatedPtrField<Port>& ports) {
  for (const Port& port : ports) {
    const auto cells = Cells(port);
    for (std::size_t i = 0; i < kColumns; ++i) {
      widths_[i] = std::max(widths_[i], DisplayWidth(cells[i]));
    }
  }
}

std::string PortTable::Header() const {
  std::array<std::string, kColumns> cells;
  for (std::size_t i = 0; i < kColumns; ++i) cells[i] = kHeaders[i];
  return Line(cells);
}

std::string PortTable::Rows(const google::protobuf::RepeatedPtrField<Port>& ports) const {
  std::string out;
  for (const Port& port : ports) out += Line(Cells(port));
  return out;
}

std::string PortTable::Line(const std::array<std::string, kColumns>& cells) const {
  std::string out;
  for (std::size_t i = 0; i < kColumns; ++i) {
    if (i > 0) out += "  ";
    const std::size_t width = DisplayWidth(cells[i]);
    const std::size_t padding = widths_[i] > width ? widths_[i] - width : 0;
    const bool last = i + 1 == kColumns;
    if (kRightAligned[i]) out.append(padding, ' ');
    out += cells[i];
    if (!kRightAligned[i] && !last) out.append(padding, ' ');
  }
  out += '\n';
  return out;
}

std::string PortTableFooter(std::int64_t shown, std::int64_t total, std::int64_t offset) {
  return absl::StrCat(shown, " of ", total, " ports (offset ", offset, ")\n");
}

std::string FormatPortTable(const google::protobuf::RepeatedPtrField<Port>& ports,
                            std::int64_t total, std::int64_t offset) {
  PortTable table;
  table.Fit(ports);
  return absl::StrCat(table.Header(), table.Rows(ports),
                      PortTableFooter(ports.size(), total, offset));
}

}  // namespace hss::client
