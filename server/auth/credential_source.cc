#include "server/auth/credential_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "server/runtime/log.h"

namespace hss::gateway {
namespace {

constexpr std::size_t kMaxPrivateFileBytes = 64 * 1024;

// True if every byte of `value` is visible ASCII (no space, control or non-ASCII byte).
bool IsVisibleAscii(absl::string_view value) {
  for (char c : value) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

absl::Status CheckField(absl::string_view value, absl::string_view name, std::size_t min_size,
                        std::size_t max_size, absl::string_view origin) {
  if (value.size() < min_size) {
    return absl::InvalidArgumentError(absl::StrCat(origin, ": ", name, " is missing or empty"));
  }
  if (value.size() > max_size) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": ", name, " is longer than ", max_size, " characters"));
  }
  if (!IsVisibleAscii(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": ", name,
                     " contains a space, control or non-ASCII character (note: inline comments "
                     "after a value are not supported)"));
  }
  return absl::OkStatus();
}

std::string ErrnoText(int error) { return std::strerror(error); }

// Removes one pair of matching surrounding quotes.
absl::string_view Unquote(absl::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
      value.back() == value.front()) {
    value.remove_prefix(1);
    value.remove_suffix(1);
  }
  return value;
}

}  // namespace

std::string RedactAk(absl::string_view ak) {
  const std::size_t shown = std::min<std::size_t>(4, ak.size() / 2);
  return absl::StrCat(ak.substr(0, shown), "…");
}

absl::Status ValidateAkskCredential(const AkskCredential& credential, absl::string_view origin) {
  if (absl::Status s = CheckField(credential.ak, "the AK (access key id)", 1, 128, origin);
      !s.ok()) {
    return s;
  }
  // ',' and ';' delimit the Authorization header's parameters and header
  // names: an AK holding one could be sent but never verified.
  if (absl::StrContains(credential.ak, ',') || absl::StrContains(credential.ak, ';')) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin,
                     ": the AK (access key id) contains ',' or ';', which the SDK-HMAC-SHA256 "
                     "Authorization header cannot carry"));
  }
  if (absl::Status s = CheckField(credential.sk, "the SK (secret access key)", 1, 1024, origin);
      !s.ok()) {
    return s;
  }
  if (!credential.security_token.empty()) {
    if (absl::Status s =
            CheckField(credential.security_token, "the security token", 1, 16384, origin);
        !s.ok()) {
      return s;
    }
  }
  if (!credential.project_id.empty()) {
    if (absl::Status s = CheckField(credential.project_id, "the project id", 1, 64, origin);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

SdkEnvironment ReadSdkEnvironment(absl::FunctionRef<std::string(absl::string_view)> env) {
  SdkEnvironment e;
  e.ak = env("HUAWEICLOUD_SDK_AK");
  e.sk = env("HUAWEICLOUD_SDK_SK");
  e.security_token = env("HUAWEICLOUD_SDK_SECURITY_TOKEN");
  e.project_id = env("HUAWEICLOUD_SDK_PROJECT_ID");
  e.iam_endpoint = env("HUAWEICLOUD_SDK_IAM_ENDPOINT");
  e.credentials_file = env("HUAWEICLOUD_SDK_CREDENTIALS_FILE");
  if (e.credentials_file.empty()) {
    std::string home = env("HOME");
    if (!home.empty()) {
      while (home.size() > 1 && home.back() == '/') home.pop_back();
      e.credentials_file = absl::StrCat(home, "/.huaweicloud/credentials");
    }
  }
  return e;
}

absl::StatusOr<AkskCredential> ParseCredentialsFile(absl::string_view contents,
                                                    absl::string_view path) {
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("credentials file ", path, ": ", what));
  };
  absl::ConsumePrefix(&contents, "\xEF\xBB\xBF");  // UTF-8 byte order mark
  // section → key → value; keys lower-cased.
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::map<std::string, std::string>* current = nullptr;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        return error(absl::StrCat("line ", line_number, ": a section header must end with ']'"));
      }
      std::string name(absl::StripAsciiWhitespace(line.substr(1, line.size() - 2)));
      if (name.empty()) return error(absl::StrCat("line ", line_number, ": empty section name"));
      if (sections.contains(name)) {
        return error(absl::StrCat("line ", line_number, ": section [", name, "] appears twice"));
      }
      current = &sections[name];
      continue;
    }
    const std::size_t split = line.find_first_of("=:");
    if (split == absl::string_view::npos) {
      return error(
          absl::StrCat("line ", line_number, ": expected 'key = value', '[section]' or a comment"));
    }
    std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, split)));
    if (key.empty()) return error(absl::StrCat("line ", line_number, ": a key is missing"));
    if (current == nullptr) {
      return error(absl::StrCat("line ", line_number,
                                ": 'key = value' before any section header such as [basic]"));
    }
    if (current->contains(key)) {
      return error(absl::StrCat("line ", line_number, ": key '", key,
                                "' appears twice in the same section"));
    }
    (*current)[key] = std::string(Unquote(absl::StripAsciiWhitespace(line.substr(split + 1))));
  }

  std::string section_name = "basic";
  if (!sections.contains(section_name) && sections.contains("default")) section_name = "default";
  auto section = sections.find(section_name);
  if (section == sections.end()) {
    return error(
        "has no [basic] section (the official SDKs read project-scoped credentials from [basic])");
  }
  const auto& keys = section->second;
  auto get = [&keys](const char* key) {
    auto it = keys.find(key);
    return it == keys.end() ? std::string() : it->second;
  };
  AkskCredential credential;
  credential.ak = get("ak");
  credential.sk = get("sk");
  credential.security_token = get("security_token");
  credential.project_id = get("project_id");
  credential.domain_id = get("domain_id");
  credential.iam_endpoint = get("iam_endpoint");
  const std::string origin = absl::StrCat("credentials file ", path, " [", section_name, "]");
  if (credential.ak.empty() && credential.sk.empty() && !get("idp_id").empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin,
        ": federated credentials (idp_id, id_token_file) are not supported; set ak and sk"));
  }
  if (absl::Status s = ValidateAkskCredential(credential, origin); !s.ok()) return s;
  return credential;
}

absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, absl::string_view what) {
  // O_NONBLOCK: opening a FIFO put in the file's place must not wait for a
  // writer (it is refused below as not a regular file).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    const std::string message =
        absl::StrCat("cannot open ", what, " ", path, ": ", ErrnoText(error));
    return error == ENOENT ? absl::NotFoundError(message) : absl::PermissionDeniedError(message);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot stat ", what, " ", path, ": ", ErrnoText(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(what, " ", path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s %s is accessible by group or others (mode %04o); it holds secrets: run "
                        "'chmod 600 %s' (in Kubernetes, mount the secret with defaultMode: 0400)",
                        what, path, st.st_mode & 07777, path));
  }
  if (static_cast<std::size_t>(st.st_size) > kMaxPrivateFileBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ", path, " is larger than ", kMaxPrivateFileBytes, " bytes"));
  }
  std::string contents;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(
          absl::StrCat("cannot read ", what, " ", path, ": ", ErrnoText(errno)));
    }
    if (n == 0) break;
    contents.append(buffer, static_cast<std::size_t>(n));
    if (contents.size() > kMaxPrivateFileBytes) {
      return absl::FailedPreconditionError(
          absl::StrCat(what, " ", path, " is larger than ", kMaxPrivateFileBytes, " bytes"));
    }
  }
  return contents;
}

StaticCredentialSource::StaticCredentialSource(AkskCredential credential, std::string description)
    : credential_(std::make_shared<const AkskCredential>(std::move(credential))),
      description_(std::move(description)) {}

namespace {

// What identifies one version of a file.
struct Stamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  long long mtime_ns = 0;
  long long ctime_ns = 0;
  bool operator==(const Stamp& other) const = default;
};

absl::StatusOr<Stamp> StatFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot stat credentials file ", path, ": ", ErrnoText(errno)));
  }
  Stamp stamp;
  stamp.device = st.st_dev;
  stamp.inode = st.st_ino;
  stamp.size = st.st_size;
  stamp.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  stamp.ctime_ns = static_cast<long long>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
  return stamp;
}

}  // namespace

class FileCredentialSource::Watcher : public std::enable_shared_from_this<Watcher> {
 public:
  Watcher(FileCredentialSourceOptions options, std::shared_ptr<const AkskCredential> credential,
          Stamp stamp)
      : options_(std::move(options)), credential_(std::move(credential)), loaded_(stamp) {}

  std::shared_ptr<const AkskCredential> Current() {
    absl::MutexLock lock(&mu_);
    return credential_;
  }

  const std::string& path() const { return options_.path; }

  // Arms the next check, unless stopped.
  void ScheduleNext() {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    std::weak_ptr<Watcher> weak = weak_from_this();
    timer_ = options_.scheduler->RunAt(options_.scheduler->Now() + options_.check_interval, [weak] {
      if (auto self = weak.lock()) {
        self->CheckFile();
        self->ScheduleNext();
      }
    });
  }

  // Drops the pending check; no further check is armed.
  void Stop() {
    TimerId timer;
    {
      absl::MutexLock lock(&mu_);
      stopped_ = true;
      timer = timer_;
    }
    if (timer != 0) options_.scheduler->CancelTimer(timer);
  }

 private:
  // Reloads the file if it changed since the last load (on the scheduler).
  void CheckFile();
  void Reload(const Stamp& stamp);

  const FileCredentialSourceOptions options_;
  absl::Mutex mu_;
  std::shared_ptr<const AkskCredential> credential_ ABSL_GUARDED_BY(mu_);
  // The version `credential_` was read from.
  Stamp loaded_ ABSL_GUARDED_BY(mu_);
  // The last version that failed to load (logged once), if any.
  Stamp failed_ ABSL_GUARDED_BY(mu_);
  bool has_failed_ ABSL_GUARDED_BY(mu_) = false;
  // True once a missing file was logged (until it is back).
  bool missing_logged_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  TimerId timer_ ABSL_GUARDED_BY(mu_) = 0;
};

absl::StatusOr<std::unique_ptr<FileCredentialSource>> FileCredentialSource::Create(
    FileCredentialSourceOptions options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError(
        "no credentials file: HOME and HUAWEICLOUD_SDK_CREDENTIALS_FILE are both unset");
  }
  if (!options.log)
    options.log = [](absl::string_view level, absl::string_view m) { LogEvent(level, m); };
  auto stamp = StatFile(options.path);
  if (!stamp.ok()) return stamp.status();
  auto contents = ReadPrivateFile(options.path, "credentials file");
  if (!contents.ok()) return contents.status();
  auto credential = ParseCredentialsFile(*contents, options.path);
  if (!credential.ok()) return credential.status();
  std::shared_ptr<ThreadScheduler> own_scheduler;
  if (options.scheduler == nullptr) {
    own_scheduler = std::make_shared<ThreadScheduler>();
    options.scheduler = own_scheduler;
  }
  auto watcher = std::make_shared<Watcher>(
      std::move(options), std::make_shared<const AkskCredential>(*std::move(credential)), *stamp);
  watcher->ScheduleNext();
  return std::unique_ptr<FileCredentialSource>(
      new FileCredentialSource(std::move(watcher), std::move(own_scheduler)));
}

FileCredentialSource::FileCredentialSource(std::shared_ptr<Watcher> watcher,
                                           std::shared_ptr<ThreadScheduler> own_scheduler)
    : watcher_(std::move(watcher)), own_scheduler_(std::move(own_scheduler)) {}

FileCredentialSource::~FileCredentialSource() {
  watcher_->Stop();
  if (own_scheduler_ != nullptr) own_scheduler_->Shutdown();
}

std::string FileCredentialSource::Describe() const {
  return absl::StrCat("credentials file ", watcher_->path());
}

std::shared_ptr<const AkskCredential> FileCredentialSource::Current() {
  return watcher_->Current();
}

void FileCredentialSource::Watcher::CheckFile() {
  auto stamp = StatFile(options_.path);
  std::string message;
  {
    absl::MutexLock lock(&mu_);
    if (stamp.ok()) {
      missing_logged_ = false;
      if (*stamp == loaded_ || (has_failed_ && *stamp == failed_)) return;
    } else if (!missing_logged_) {
      // The file vanished (or cannot be reached): say so once, keep the credentials.
      missing_logged_ = true;
      message =
          absl::StrCat(stamp.status().message(), "; still using the credentials read earlier (AK ",
                       RedactAk(credential_->ak), ")");
    }
  }
  if (!stamp.ok()) {
    if (!message.empty()) options_.log("warning", message);
    return;
  }
  Reload(*stamp);
}

void FileCredentialSource::Watcher::Reload(const Stamp& stamp) {
  auto contents = ReadPrivateFile(options_.path, "credentials file");
  absl::StatusOr<AkskCredential> credential =
      contents.ok() ? ParseCredentialsFile(*contents, options_.path)
                    : absl::StatusOr<AkskCredential>(contents.status());
  std::string message;
  absl::string_view level = "info";
  {
    absl::MutexLock lock(&mu_);
    if (credential.ok()) {
      const bool rotated = credential->ak != credential_->ak || credential->sk != credential_->sk ||
                           credential->security_token != credential_->security_token;
      if (rotated) {
        message = absl::StrCat("credentials file ", options_.path, " reloaded: now AK ",
                               RedactAk(credential->ak), " (was ", RedactAk(credential_->ak), ")");
      }
      credential_ = std::make_shared<const AkskCredential>(*std::move(credential));
      loaded_ = stamp;
      has_failed_ = false;
    } else {
      has_failed_ = true;
      failed_ = stamp;
      level = "warning";
      message = absl::StrCat("credentials file ", options_.path,
                             " changed but cannot be used: ", credential.status().message(),
                             "; still using the previous credentials (AK ",
                             RedactAk(credential_->ak), ")");
    }
  }
  if (!message.empty()) options_.log(level, message);
}

absl::StatusOr<std::shared_ptr<CredentialSource>> MakeCredentialSource(
    const SdkEnvironment& env, FileCredentialSourceOptions file_options) {
  if (!env.ak.empty() || !env.sk.empty()) {
    if (env.ak.empty() || env.sk.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("HUAWEICLOUD_SDK_", env.ak.empty() ? "SK" : "AK",
                       " is set but HUAWEICLOUD_SDK_", env.ak.empty() ? "AK" : "SK",
                       " is not: set both, or neither to use the credentials file"));
    }
    AkskCredential credential;
    credential.ak = env.ak;
    credential.sk = env.sk;
    credential.security_token = env.security_token;
    credential.project_id = env.project_id;
    credential.iam_endpoint = env.iam_endpoint;
    if (absl::Status s = ValidateAkskCredential(credential, "environment HUAWEICLOUD_SDK_*");
        !s.ok()) {
      return s;
    }
    return std::make_shared<StaticCredentialSource>(std::move(credential),
                                                    "environment (HUAWEICLOUD_SDK_AK/_SK)");
  }
  if (env.credentials_file.empty()) {
    return absl::InvalidArgumentError(
        "--auth=aksk needs credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or name a "
        "credentials file in HUAWEICLOUD_SDK_CREDENTIALS_FILE (HOME is unset, so there is no "
        "default ~/.huaweicloud/credentials)");
  }
  file_options.path = env.credentials_file;
  auto source = FileCredentialSource::Create(std::move(file_options));
  if (!source.ok()) {
    if (absl::IsNotFound(source.status())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--auth=aksk needs credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or write "
          "'ak = …' and 'sk = …' under [basic] in the credentials file ",
          env.credentials_file,
          " (HUAWEICLOUD_SDK_CREDENTIALS_FILE names another): ", source.status().message()));
    }
    return source.status();
  }
  return std::shared_ptr<CredentialSource>(*std::move(source));
}

}  // namespace hss::gateway
