#ifndef HSS_CLIENT_OUTPUT_PORT_TABLE_H_
#define HSS_CLIENT_OUTPUT_PORT_TABLE_H_

// Ports as aligned text columns.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "hss/ports/v1/ports.pb.h"

namespace hss::client {

// Formats ports as the columns PORT TYPE STATUS LADDR PID PATH CONTAINER,
// separated by two spaces; PORT and PID are right-aligned, the rest left. Cells
// are escaped with EscapeForTerminal and padded by display width, so UTF-8 and
// East Asian wide text line up. STATUS is the enum's word, or the upstream's
// raw `status_text` when the enum is unspecified. Empty cells (and PID 0) show
// as "-". The last column carries no trailing spaces.
//
// A streaming caller widens the columns page by page with Fit(): a later, wider
// page shifts the columns of its own rows only.
//
// With a maximum line width (a terminal's), cells of STATUS, LADDR, PATH and
// CONTAINER that would make a line wider are shortened with "…" (Ellipsize:
// PATH keeps its file name, LADDR both ends, the others their start). The
// widest of these columns give up columns first, down to the width of the next
// widest, so short columns stay whole; PORT, TYPE, PID and the headers are
// never shortened. Each line then fits unless the headers alone are wider.
class PortTable {
 public:
  // A table whose columns are as wide as their headers. `max_line_width`: the
  // most display columns a line may take; 0: no limit, cells stay whole.
  explicit PortTable(std::size_t max_line_width = 0);

  // Widens columns so that every cell of `ports` fits; never narrows them.
  void Fit(const google::protobuf::RepeatedPtrField<hss::ports::v1::Port>& ports);

  // The header line, ending in '\n'.
  std::string Header() const;

  // One line per port, each ending in '\n'.
  std::string Rows(const google::protobuf::RepeatedPtrField<hss::ports::v1::Port>& ports) const;

  // The number of columns.
  static constexpr std::size_t kColumns = 7;

 private:
  std::string Line(const std::array<std::string, kColumns>& cells) const;

  std::size_t max_line_width_;
  // The widest cell of each column so far.
  std::array<std::size_t, kColumns> widths_;
  // The width each column is shown at: widths_ fitted to max_line_width_.
  std::array<std::size_t, kColumns> shown_widths_;
};

// The footer line "N of TOTAL ports (offset O)\n".
std::string PortTableFooter(std::int64_t shown, std::int64_t total, std::int64_t offset);

// A complete table: header, one row per port, and the footer; lines are fitted
// to `max_line_width` as in PortTable (0: no limit).
std::string FormatPortTable(const google::protobuf::RepeatedPtrField<hss::ports::v1::Port>& ports,
                            std::int64_t total, std::int64_t offset,
                            std::size_t max_line_width = 0);

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_PORT_TABLE_H_
