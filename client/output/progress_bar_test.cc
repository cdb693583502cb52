#include "client/output/progress_bar.h"

#include <gtest/gtest.h>

#include <sstream>

namespace hss::client {
namespace {

TEST(FormatProgressLineTest, ShowsPagesPortsAndRate) {
  StreamProgress progress{.pages = 3, .ports = 600, .total = 1650, .elapsed = absl::Seconds(2)};
  EXPECT_EQ(FormatProgressLine(progress),
            "[########................]  36%  3 pages  600/1650 ports  300 ports/s");
}

TEST(FormatProgressLineTest, HandlesEdgeCases) {
  EXPECT_EQ(FormatProgressLine({}),
            "[........................]   ?%  0 pages  0/0 ports  - ports/s");
  StreamProgress one{.pages = 1, .ports = 10, .total = 10, .elapsed = absl::Milliseconds(500)};
  EXPECT_EQ(FormatProgressLine(one),
            "[########################] 100%  1 page  10/10 ports  20 ports/s");
  // total_num may shrink during a walk: the bar stays full.
  StreamProgress over{.pages = 2, .ports = 30, .total = 20, .elapsed = absl::Seconds(1)};
  EXPECT_EQ(FormatProgressLine(over),
            "[########################] 100%  2 pages  30/20 ports  30 ports/s");
}

TEST(ProgressBarTest, RedrawsInPlace) {
  std::ostringstream out;
  ProgressBar bar(out, /*enabled=*/true);
  bar.Update({.pages = 1, .ports = 10, .total = 20, .elapsed = absl::Seconds(1)});
  bar.Clear();
  bar.Clear();  // Nothing drawn: nothing to erase.
  EXPECT_EQ(out.str(),
            "\r\x1b[K[############............]  50%  1 page  10/20 ports  10 ports/s"
            "\r\x1b[K");
}

TEST(ProgressBarTest, CutsTheLineToTheTerminal) {
  std::ostringstream out;
  ProgressBar bar(out, /*enabled=*/true, /*columns=*/11);
  bar.Update({.pages = 1, .ports = 10, .total = 20, .elapsed = absl::Seconds(1)});
  EXPECT_EQ(out.str(), "\r\x1b[K[#########");
}

TEST(ProgressBarTest, DisabledWritesNothing) {
  std::ostringstream out;
  ProgressBar bar(out, /*enabled=*/false);
  bar.Update({.pages = 1, .ports = 10, .total = 20, .elapsed = absl::Seconds(1)});
  bar.Clear();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace hss::client
