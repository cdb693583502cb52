#include "client/output/port_table.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/output/terminal_text.h"
#include "common/port_enum_words.h"

namespace hss::client {
namespace {

using ::hss::ports::v1::Port;

constexpr std::array<const char*, PortTable::kColumns> kHeaders = {
    "PORT", "TYPE", "STATUS", "LADDR", "PID", "PATH", "CONTAINER"};
constexpr std::array<bool, PortTable::kColumns> kRightAligned = {true, false, false, false,
                                                                 true, false, false};
// How each column's cells are shortened; nullopt: never (short by nature).
constexpr std::array<std::optional<EllipsisAt>, PortTable::kColumns> kShortening = {
    std::nullopt, std::nullopt,      EllipsisAt::kEnd, EllipsisAt::kMiddle,
    std::nullopt, EllipsisAt::kPath, EllipsisAt::kEnd};
// The shortenable columns, in the order they get a column left over after the
// widest were cut to one width: PATH, LADDR, CONTAINER, STATUS.
constexpr std::array<std::size_t, 4> kLeftoverOrder = {5, 3, 6, 2};
constexpr std::size_t kSeparatorWidth = 2;

// The widths to show `widths` (each column's widest cell) at so that a line
// takes at most `max_line_width` columns (0: no limit). Shortenable columns
// are capped at one width C, the largest that fits, and never below their
// header's width; columns left under C stay whole.
std::array<std::size_t, PortTable::kColumns> FitToWidth(
    const std::array<std::size_t, PortTable::kColumns>& widths, std::size_t max_line_width) {
  std::array<std::size_t, PortTable::kColumns> shown = widths;
  if (max_line_width == 0) return shown;
  std::size_t fixed = kSeparatorWidth * (PortTable::kColumns - 1);
  std::size_t natural = 0;
  std::size_t widest = 0;
  for (std::size_t i = 0; i < PortTable::kColumns; ++i) {
    if (kShortening[i]) {
      natural += widths[i];
      widest = std::max(widest, widths[i]);
    } else {
      fixed += widths[i];
    }
  }
  if (fixed + natural <= max_line_width) return shown;
  const std::size_t budget = max_line_width > fixed ? max_line_width - fixed : 0;
  const auto capped = [&](std::size_t i, std::size_t cap) {
    return std::max(DisplayWidth(kHeaders[i]), std::min(widths[i], cap));
  };
  const auto total = [&](std::size_t cap) {
    std::size_t sum = 0;
    for (std::size_t i : kLeftoverOrder) sum += capped(i, cap);
    return sum;
  };
  std::size_t cap = widest;  // total(widest) > budget: the columns do not fit.
  while (cap > 0 && total(cap) > budget) --cap;
  std::size_t leftover = budget > total(cap) ? budget - total(cap) : 0;
  for (std::size_t i : kLeftoverOrder) {
    shown[i] = capped(i, cap);
    // `leftover` is less than the number of columns cut at `cap`, as
    // total(cap + 1) > budget: each gets at most one column.
    if (leftover > 0 && widths[i] > cap && shown[i] == cap) {
      ++shown[i];
      --leftover;
    }
  }
  return shown;
}

std::string TextCell(const std::string& text) {
  return text.empty() ? "-" : EscapeForTerminal(text);
}

std::string TypeCell(const Port& port) {
  const absl::string_view word = hss::ProtocolWord(port.type());
  return word.empty() ? "-" : absl::AsciiStrToLower(word);
}

std::string StatusCell(const Port& port) {
  const absl::string_view word = hss::PortStatusWord(port.status());
  return word.empty() ? TextCell(port.status_text()) : std::string(word);
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

PortTable::PortTable(std::size_t max_line_width) : max_line_width_(max_line_width) {
  for (std::size_t i = 0; i < kColumns; ++i) widths_[i] = DisplayWidth(kHeaders[i]);
  shown_widths_ = FitToWidth(widths_, max_line_width_);
}

void PortTable::Fit(const google::protobuf::RepeatedPtrField<Port>& ports) {
  for (const Port& port : ports) {
    const auto cells = Cells(port);
    for (std::size_t i = 0; i < kColumns; ++i) {
      widths_[i] = std::max(widths_[i], DisplayWidth(cells[i]));
    }
  }
  shown_widths_ = FitToWidth(widths_, max_line_width_);
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
    if (i > 0) out.append(kSeparatorWidth, ' ');
    std::string cell = cells[i];
    if (kShortening[i] && DisplayWidth(cell) > shown_widths_[i]) {
      cell = Ellipsize(cell, shown_widths_[i], *kShortening[i]);
    }
    const std::size_t width = DisplayWidth(cell);
    const std::size_t padding = shown_widths_[i] > width ? shown_widths_[i] - width : 0;
    const bool last = i + 1 == kColumns;
    if (kRightAligned[i]) out.append(padding, ' ');
    out += cell;
    if (!kRightAligned[i] && !last) out.append(padding, ' ');
  }
  out += '\n';
  return out;
}

std::string PortTableFooter(std::int64_t shown, std::int64_t total, std::int64_t offset) {
  return absl::StrCat(shown, " of ", total, " ports (offset ", offset, ")\n");
}

std::string FormatPortTable(const google::protobuf::RepeatedPtrField<Port>& ports,
                            std::int64_t total, std::int64_t offset, std::size_t max_line_width) {
  PortTable table(max_line_width);
  table.Fit(ports);
  return absl::StrCat(table.Header(), table.Rows(ports),
                      PortTableFooter(ports.size(), total, offset));
}

}  // namespace hss::client
