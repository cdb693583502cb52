#ifndef HSS_CLIENT_OUTPUT_PROGRESS_BAR_H_
#define HSS_CLIENT_OUTPUT_PROGRESS_BAR_H_

// The progress line of `hss-ports stream`.

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/time/time.h"

namespace hss::client {

// What a StreamPorts walk has received so far.
struct StreamProgress {
  // Pages (StreamPortsResponse messages) received.
  std::int64_t pages = 0;
  // Ports received.
  std::int64_t ports = 0;
  // The latest page's total_num (it may change during a walk).
  std::int64_t total = 0;
  // Time since the call started.
  absl::Duration elapsed;
};

// One progress line without a line end, e.g.
// "[#########...............]  36%  3 pages  600/1650 ports  420 ports/s".
// The bar and percentage compare `ports` with `total` (clamped to 100%); they
// show "?" while total is 0 and the rate "-" while no time has passed.
std::string FormatProgressLine(const StreamProgress& progress);

// Draws FormatProgressLine on a terminal, redrawn in place with "\r" and
// "erase to end of line". Disabled (every method a no-op) unless the stream is
// a terminal, which the caller decides.
class ProgressBar {
 public:
  // Draws on `out` if `enabled`. A line is cut to `columns - 1` characters
  // (`columns`: the terminal's width, 0 if unknown), as a wrapped line could
  // not be redrawn in place.
  ProgressBar(std::ostream& out, bool enabled, int columns = 0);

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Replaces the line with `progress`.
  void Update(const StreamProgress& progress);

  // Erases the line, e.g. before other output is written to the same terminal;
  // the next Update draws it again.
  void Clear();

 private:
  std::ostream& out_;
  bool enabled_;
  int columns_;
  bool drawn_ = false;
};

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_PROGRESS_BAR_H_
