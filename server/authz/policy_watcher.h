#ifndef HSS_SERVER_AUTHZ_POLICY_WATCHER_H_
#define HSS_SERVER_AUTHZ_POLICY_WATCHER_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/authz/authz_policy.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// The authorization policy of a file, hot reloaded: every `interval` a timer
// on the gateway's Scheduler (no thread of its own, nothing per call) stats
// the file and, when its mtime, size or inode changed, parses it again. A
// good file replaces the policy (logged "info"); a broken or unreadable one
// keeps the last good policy and logs a "warning" saying why, once per
// change of the file.
class PolicyWatcher : public std::enable_shared_from_this<PolicyWatcher> {
 public:
  // Loads `path` and starts polling. Fails (InvalidArgument naming the file
  // and the problem) when the file cannot be read or parsed: start-up must
  // not go on without the policy it was told to enforce.
  static absl::StatusOr<std::shared_ptr<PolicyWatcher>> Start(std::string path,
                                                              absl::Duration interval,
                                                              std::shared_ptr<Scheduler> scheduler);
  // Cancels the poll timer.
  ~PolicyWatcher();

  // The policy in force. Cheap (a shared pointer copy under a lock held
  // for nanoseconds); callers keep it for the whole call.
  std::shared_ptr<const AuthzPolicy> policy() const;
  // The policy file.
  const std::string& path() const { return path_; }

  // Checks the file now (what the timer does); for tests.
  void PollNow();

 private:
  // What identifies one version of the file.
  struct FileVersion {
    ino_t inode = 0;
    off_t size = -1;
    long long mtime_ns = -1;
    bool operator==(const FileVersion&) const = default;
  };

  PolicyWatcher(std::string path, absl::Duration interval, std::shared_ptr<Scheduler> scheduler)
      : path_(std::move(path)), interval_(interval), scheduler_(std::move(scheduler)) {}
  // The file's version now; an error when it cannot be stat'ed.
  absl::StatusOr<FileVersion> Stat() const;
  // Reads and parses the file.
  absl::StatusOr<AuthzPolicy> Load() const;
  void ScheduleNext();

  const std::string path_;
  const absl::Duration interval_;
  const std::shared_ptr<Scheduler> scheduler_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const AuthzPolicy> policy_ ABSL_GUARDED_BY(mu_);
  // The version last looked at (loaded or refused), so a broken file is reported once.
  FileVersion seen_ ABSL_GUARDED_BY(mu_);
  bool missing_reported_ ABSL_GUARDED_BY(mu_) = false;
  TimerId timer_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTHZ_POLICY_WATCHER_H_
