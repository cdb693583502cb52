#include "server/authz/policy_watcher.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/runtime/log.h"

namespace hss::gateway {
namespace {

// A policy file larger than this is a mistake.
constexpr std::size_t kMaxPolicyBytes = 1 << 20;

}  // namespace

absl::StatusOr<std::shared_ptr<PolicyWatcher>> PolicyWatcher::Start(
    std::string path, absl::Duration interval, std::shared_ptr<Scheduler> scheduler) {
  std::shared_ptr<PolicyWatcher> watcher(
      new PolicyWatcher(std::move(path), interval, std::move(scheduler)));
  absl::StatusOr<FileVersion> version = watcher->Stat();
  if (!version.ok()) return version.status();
  absl::StatusOr<AuthzPolicy> policy = watcher->Load();
  if (!policy.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--authz_policy_file=", watcher->path_, ": ", policy.status().message()));
  }
  {
    absl::MutexLock lock(&watcher->mu_);
    watcher->policy_ = std::make_shared<const AuthzPolicy>(*std::move(policy));
    watcher->seen_ = *version;
  }
  watcher->ScheduleNext();
  return watcher;
}

PolicyWatcher::~PolicyWatcher() {
  TimerId timer;
  {
    absl::MutexLock lock(&mu_);
    timer = timer_;
  }
  if (timer != 0) scheduler_->CancelTimer(timer);
}

std::shared_ptr<const AuthzPolicy> PolicyWatcher::policy() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

absl::StatusOr<PolicyWatcher::FileVersion> PolicyWatcher::Stat() const {
  struct stat st;
  if (stat(path_.c_str(), &st) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--authz_policy_file=", path_, ": ", std::strerror(errno)));
  }
  FileVersion version;
  version.inode = st.st_ino;
  version.size = st.st_size;
  version.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return version;
}

absl::StatusOr<AuthzPolicy> PolicyWatcher::Load() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read: ", std::strerror(errno)));
  std::stringstream contents;
  contents << in.rdbuf();
  const std::string text = contents.str();
  if (text.size() > kMaxPolicyBytes) return absl::InvalidArgumentError("larger than 1 MiB");
  return AuthzPolicy::Parse(text);
}

void PolicyWatcher::ScheduleNext() {
  std::weak_ptr<PolicyWatcher> weak = weak_from_this();
  TimerId timer = scheduler_->RunAt(scheduler_->Now() + interval_, [weak] {
    if (auto self = weak.lock()) {
      self->PollNow();
      self->ScheduleNext();
    }
  });
  absl::MutexLock lock(&mu_);
  timer_ = timer;
}

void PolicyWatcher::PollNow() {
  absl::StatusOr<FileVersion> version = Stat();
  if (!version.ok()) {
    absl::MutexLock lock(&mu_);
    if (!missing_reported_) {
      missing_reported_ = true;
      seen_ = FileVersion();
      LogEvent("warning", absl::StrCat(version.status().message(),
                                       "; keeping the authorization policy loaded before"));
    }
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    missing_reported_ = false;
    if (*version == seen_) return;
    seen_ = *version;
  }
  absl::StatusOr<AuthzPolicy> policy = Load();
  if (!policy.ok()) {
    LogEvent("warning", absl::StrCat("--authz_policy_file=", path_,
                                     " not reloaded: ", policy.status().message(),
                                     "; keeping the authorization policy loaded before"));
    return;
  }
  const std::size_t rules = policy->rules().size();
  {
    absl::MutexLock lock(&mu_);
    policy_ = std::make_shared<const AuthzPolicy>(*std::move(policy));
  }
  LogEvent("info",
           absl::StrCat("authorization policy reloaded from ", path_, ": ", rules, " rule(s)"));
}

}  // namespace hss::gateway
