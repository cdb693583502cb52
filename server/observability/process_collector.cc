#include "server/observability/process_collector.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hss::gateway {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<double> CountEntries(const std::string& dir_path) {
  DIR* dir = opendir(dir_path.c_str());
  if (dir == nullptr) return absl::NotFoundError(absl::StrCat("cannot list ", dir_path));
  // The descriptor opendir() holds is not counted.
  const std::string own = absl::StrCat(dirfd(dir));
  double count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.' && entry->d_name != own) ++count;
  }
  closedir(dir);
  return count;
}

prometheus::MetricFamily One(std::string name, std::string help, prometheus::MetricType type,
                             double value) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

absl::StatusOr<ProcessStats> ParseProcStat(absl::string_view stat, double ticks_per_second,
                                           double page_size, double boot_time) {
  // The command name (field 2) is in parentheses and may hold spaces.
  const size_t close = stat.rfind(')');
  if (close == absl::string_view::npos) {
    return absl::InvalidArgumentError("stat line without (comm)");
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(stat.substr(close + 1), ' ', absl::SkipEmpty());
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  auto field = [&](int n, double* out) {
    return static_cast<size_t>(n - 3) < fields.size() &&
           absl::SimpleAtod(absl::StripAsciiWhitespace(fields[n - 3]), out);
  };
  double utime, stime, starttime, vsize, rss;
  if (!field(14, &utime) || !field(15, &stime) || !field(22, &starttime) || !field(23, &vsize) ||
      !field(24, &rss) || ticks_per_second <= 0) {
    return absl::InvalidArgumentError("stat line with too few or non-numeric fields");
  }
  ProcessStats stats;
  stats.cpu_seconds = (utime + stime) / ticks_per_second;
  stats.start_time_seconds = boot_time + starttime / ticks_per_second;
  stats.virtual_memory_bytes = vsize;
  stats.resident_memory_bytes = rss * page_size;
  return stats;
}

absl::StatusOr<double> ParseBootTime(absl::string_view proc_stat) {
  for (absl::string_view line : absl::StrSplit(proc_stat, '\n')) {
    if (absl::ConsumePrefix(&line, "btime ")) {
      double value;
      if (absl::SimpleAtod(absl::StripAsciiWhitespace(line), &value)) return value;
    }
  }
  return absl::InvalidArgumentError("no btime line");
}

absl::StatusOr<double> ParseMaxOpenFiles(absl::string_view limits) {
  for (absl::string_view line : absl::StrSplit(limits, '\n')) {
    if (!absl::ConsumePrefix(&line, "Max open files")) continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words.empty()) break;
    if (words[0] == "unlimited") return 0;
    double value;
    if (absl::SimpleAtod(words[0], &value)) return value;
    break;
  }
  return absl::InvalidArgumentError("no Max open files line");
}

absl::StatusOr<ProcessStats> ReadProcessStats(const std::string& proc_root,
                                              const std::string& proc_self) {
  absl::StatusOr<std::string> stat = ReadFile(absl::StrCat(proc_self, "/stat"));
  if (!stat.ok()) return stat.status();
  absl::StatusOr<std::string> root_stat = ReadFile(absl::StrCat(proc_root, "/stat"));
  if (!root_stat.ok()) return root_stat.status();
  absl::StatusOr<double> boot_time = ParseBootTime(*root_stat);
  if (!boot_time.ok()) return boot_time.status();
  absl::StatusOr<ProcessStats> stats =
      ParseProcStat(*stat, static_cast<double>(sysconf(_SC_CLK_TCK)),
                    static_cast<double>(sysconf(_SC_PAGESIZE)), *boot_time);
  if (!stats.ok()) return stats.status();
  if (absl::StatusOr<double> fds = CountEntries(absl::StrCat(proc_self, "/fd")); fds.ok()) {
    stats->open_fds = *fds;
  }
  if (absl::StatusOr<std::string> limits = ReadFile(absl::StrCat(proc_self, "/limits"));
      limits.ok()) {
    if (absl::StatusOr<double> max = ParseMaxOpenFiles(*limits); max.ok()) stats->max_fds = *max;
  }
  return stats;
}

ProcessCollector::ProcessCollector(std::string proc_root, std::string proc_self)
    : proc_root_(std::move(proc_root)), proc_self_(std::move(proc_self)) {}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  absl::StatusOr<ProcessStats> s = ReadProcessStats(proc_root_, proc_self_);
  if (!s.ok()) return {};
  std::vector<prometheus::MetricFamily> out = {
      One("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          MetricType::Counter, s->cpu_seconds),
      One("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
          s->resident_memory_bytes),
      One("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
          s->virtual_memory_bytes),
      One("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
          MetricType::Gauge, s->start_time_seconds),
      One("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, s->open_fds),
  };
  if (s->max_fds > 0) {
    out.push_back(One("process_max_fds", "Maximum number of open file descriptors.",
                      MetricType::Gauge, s->max_fds));
  }
  return out;
}

}  // namespace hss::gateway
