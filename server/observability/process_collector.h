#ifndef HSS_SERVER_OBSERVABILITY_PROCESS_COLLECTOR_H_
#define HSS_SERVER_OBSERVABILITY_PROCESS_COLLECTOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace hss::gateway {

// What the process collector reads from /proc.
struct ProcessStats {
  double cpu_seconds = 0;
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double start_time_seconds = 0;  // Since the Unix epoch.
  double open_fds = 0;
  double max_fds = 0;  // 0 when unknown.
};

// Parses the line of /proc/<pid>/stat: utime+stime (fields 14, 15), starttime
// (22), vsize (23), rss (24). `ticks_per_second` is sysconf(_SC_CLK_TCK),
// `page_size` sysconf(_SC_PAGESIZE), `boot_time` the btime of /proc/stat.
// Fills every field of ProcessStats but the fd counts.
absl::StatusOr<ProcessStats> ParseProcStat(absl::string_view stat, double ticks_per_second,
                                           double page_size, double boot_time);

// The `btime` of a /proc/stat text.
absl::StatusOr<double> ParseBootTime(absl::string_view proc_stat);

// The soft "Max open files" of a /proc/<pid>/limits text; 0 for "unlimited".
absl::StatusOr<double> ParseMaxOpenFiles(absl::string_view limits);

// Reads the stats of the process whose /proc directory is `proc_self` (e.g.
// "/proc/self"), with `proc_root` holding `stat` (e.g. "/proc").
absl::StatusOr<ProcessStats> ReadProcessStats(const std::string& proc_root,
                                              const std::string& proc_self);

// The process_* families of the Prometheus client conventions (prometheus-cpp
// has no process collector), read from /proc at each scrape.
class ProcessCollector final : public prometheus::Collectable {
 public:
  explicit ProcessCollector(std::string proc_root = "/proc", std::string proc_self = "/proc/self");

  // Every family, for a scrape; none when /proc cannot be read.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string proc_root_;
  const std::string proc_self_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_OBSERVABILITY_PROCESS_COLLECTOR_H_
