#include "client/output/progress_bar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hss::client {
namespace {

constexpr int kBarWidth = 24;
constexpr absl::string_view kEraseLine = "\r\x1b[K";

}  // namespace

std::string FormatProgressLine(const StreamProgress& progress) {
  std::string bar(kBarWidth, '.');
  std::string percent = "  ?%";
  if (progress.total > 0) {
    const double fraction = std::clamp(
        static_cast<double>(progress.ports) / static_cast<double>(progress.total), 0.0, 1.0);
    std::fill_n(bar.begin(), static_cast<int>(fraction * kBarWidth), '#');
    percent = absl::StrFormat("%3d%%", static_cast<int>(fraction * 100));
  }
  const double seconds = absl::ToDoubleSeconds(progress.elapsed);
  const std::string rate =
      seconds > 0 ? absl::StrFormat("%.0f", static_cast<double>(progress.ports) / seconds) : "-";
  return absl::StrCat("[", bar, "] ", percent, "  ", progress.pages,
                      progress.pages == 1 ? " page  " : " pages  ", progress.ports, "/",
                      progress.total, " ports  ", rate, " ports/s");
}

ProgressBar::ProgressBar(std::ostream& out, bool enabled, int columns)
    : out_(out), enabled_(enabled), columns_(columns) {}

void ProgressBar::Update(const StreamProgress& progress) {
  if (!enabled_) return;
  std::string line = FormatProgressLine(progress);
  if (columns_ > 1 && line.size() >= static_cast<std::size_t>(columns_)) {
    line.resize(static_cast<std::size_t>(columns_ - 1));  // The line is ASCII.
  }
  out_ << kEraseLine << line << std::flush;
  drawn_ = true;
}

void ProgressBar::Clear() {
  if (!enabled_ || !drawn_) return;
  out_ << kEraseLine << std::flush;
  drawn_ = false;
}

}  // namespace hss::client
