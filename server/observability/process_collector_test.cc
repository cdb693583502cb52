#include "server/observability/process_collector.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/text_serializer.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

// A /proc/<pid>/stat line (fields 14/15 utime/stime = 250/50 ticks, 22
// starttime = 1000 ticks, 23 vsize, 24 rss = 300 pages), with a command name
// holding a space and a parenthesis.
constexpr char kStat[] =
    "4242 (hss gw) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 7 0 1000 "
    "123456789 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ProcessCollectorTest, ParsesAStatLine) {
  auto stats = ParseProcStat(kStat, /*ticks_per_second=*/100, /*page_size=*/4096,
                             /*boot_time=*/1700000000);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_DOUBLE_EQ(stats->cpu_seconds, 3.0);
  EXPECT_DOUBLE_EQ(stats->start_time_seconds, 1700000010.0);
  EXPECT_DOUBLE_EQ(stats->virtual_memory_bytes, 123456789.0);
  EXPECT_DOUBLE_EQ(stats->resident_memory_bytes, 300.0 * 4096);
}

TEST(ProcessCollectorTest, RejectsATruncatedStatLine) {
  EXPECT_FALSE(ParseProcStat("4242 (gw) S 1 2 3", 100, 4096, 0).ok());
  EXPECT_FALSE(ParseProcStat("no parenthesis", 100, 4096, 0).ok());
}

TEST(ProcessCollectorTest, ParsesBootTimeAndMaxOpenFiles) {
  auto boot = ParseBootTime("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n");
  ASSERT_TRUE(boot.ok());
  EXPECT_DOUBLE_EQ(*boot, 1700000000.0);
  EXPECT_FALSE(ParseBootTime("cpu 1\n").ok());
  auto max = ParseMaxOpenFiles(
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max open files            1024                 524288               files     \n");
  ASSERT_TRUE(max.ok());
  EXPECT_DOUBLE_EQ(*max, 1024.0);
  EXPECT_DOUBLE_EQ(*ParseMaxOpenFiles("Max open files  unlimited  unlimited  files\n"), 0.0);
}

TEST(ProcessCollectorTest, ReadsAFakeProcTree) {
  const std::filesystem::path root =
      std::filesystem::path(::testing::TempDir()) / "fake_proc_for_process_collector";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "self" / "fd");
  std::ofstream(root / "stat") << "cpu 1 2\nbtime 1700000000\n";
  std::ofstream(root / "self" / "stat") << kStat;
  std::ofstream(root / "self" / "limits") << "Max open files 4096 4096 files\n";
  for (const char* fd : {"0", "1", "2", "7"}) std::ofstream(root / "self" / "fd" / fd) << "";
  auto stats = ReadProcessStats(root.string(), (root / "self").string());
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_DOUBLE_EQ(stats->open_fds, 4.0);
  EXPECT_DOUBLE_EQ(stats->max_fds, 4096.0);
  EXPECT_DOUBLE_EQ(stats->resident_memory_bytes, 300.0 * sysconf(_SC_PAGESIZE));
}

TEST(ProcessCollectorTest, ReadsThisProcess) {
  auto before = ReadProcessStats("/proc", "/proc/self");
  ASSERT_TRUE(before.ok()) << before.status();
  const int fd = open("/proc/self/stat", O_RDONLY);
  ASSERT_GE(fd, 0);
  auto after = ReadProcessStats("/proc", "/proc/self");
  close(fd);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->open_fds, before->open_fds + 1);
  EXPECT_GT(before->resident_memory_bytes, 1 << 20);
  EXPECT_GE(before->cpu_seconds, 0);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(before->start_time_seconds, now + 1);
  EXPECT_GT(before->start_time_seconds, now - 3600);  // A test binary started just now.
}

TEST(ProcessCollectorTest, ExposesProcessFamilies) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, ProcessCollector().Collect());
  const std::string text = out.str();
  for (const char* name :
       {"# TYPE process_cpu_seconds_total counter", "# TYPE process_resident_memory_bytes gauge",
        "# TYPE process_virtual_memory_bytes gauge", "# TYPE process_start_time_seconds gauge",
        "# TYPE process_open_fds gauge"}) {
    EXPECT_THAT(text, HasSubstr(name));
  }
  EXPECT_TRUE(ProcessCollector("/nonexistent", "/nonexistent/self").Collect().empty());
}

}  // namespace
}  // namespace hss::gateway
