#ifndef HSS_SERVER_AUTH_CREDENTIAL_SOURCE_H_
#define HSS_SERVER_AUTH_CREDENTIAL_SOURCE_H_

// Where the gateway's own AK/SK credentials come from, following the official
// Huawei Cloud SDKs' provider chain:
//
//  1. the environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (both, or
//     neither), HUAWEICLOUD_SDK_SECURITY_TOKEN, HUAWEICLOUD_SDK_PROJECT_ID,
//     HUAWEICLOUD_SDK_IAM_ENDPOINT;
//  2. otherwise the credentials file: HUAWEICLOUD_SDK_CREDENTIALS_FILE, default
//     $HOME/.huaweicloud/credentials. An INI file as the SDKs read it
//     (Python configparser / Go ini): section [basic] (project-scoped
//     credentials; [default] is accepted when there is no [basic]) with keys
//     ak, sk, security_token, project_id, domain_id, iam_endpoint:
//
//       [basic]
//       ak = HSSAKEXAMPLE00000000
//       sk = ...
//       project_id = 0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b
//
//     Lines starting with '#' or ';' are comments; "key: value" works too; keys
//     are case-insensitive; surrounding quotes around a value are removed.
//     The file must not be accessible by group or others (mode & 077 == 0),
//     like ~/.ssh keys. It is re-read when it changes (key rotation), checked
//     every `check_interval` on a scheduler's thread — never by the thread
//     asking for the credentials, which only reads an in-memory snapshot; a
//     changed file that is broken is logged and ignored, and the last good
//     credentials stay in use.
//
// No error message or log line holds an SK, a security token or a whole AK:
// an AK appears as RedactAk() at most, and file syntax errors name the line
// number, never its text.

#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// One set of the gateway's own AK/SK credentials.
struct AkskCredential {
  // The access key id (not secret, but only RedactAk() of it is ever shown).
  std::string ak;
  // The secret access key. Secret.
  std::string sk;
  // The security token of temporary credentials; empty for permanent ones. Secret.
  std::string security_token;
  // The project the credentials are scoped to; may be empty.
  std::string project_id;
  // The account (domain) id; may be empty. Read for compatibility, unused by HSS.
  std::string domain_id;
  // An IAM endpoint override; may be empty.
  std::string iam_endpoint;
};

// Returns `ak` as messages and logs may show it: at most its first 4
// characters (fewer for short keys) followed by "…".
std::string RedactAk(absl::string_view ak);

// Checks the fields of `credential` that end up in HTTP headers: ak (1-128),
// sk (1-1024) and security_token (0-16384) must be visible ASCII without
// spaces, and ak without ',' or ';' (the Authorization header's delimiters). `origin` names where
// they came from, for the message.
absl::Status ValidateAkskCredential(const AkskCredential& credential, absl::string_view origin);

// The official SDKs' environment variables, read once at start-up.
struct SdkEnvironment {
  // HUAWEICLOUD_SDK_AK.
  std::string ak;
  // HUAWEICLOUD_SDK_SK. Secret.
  std::string sk;
  // HUAWEICLOUD_SDK_SECURITY_TOKEN. Secret.
  std::string security_token;
  // HUAWEICLOUD_SDK_PROJECT_ID.
  std::string project_id;
  // HUAWEICLOUD_SDK_IAM_ENDPOINT.
  std::string iam_endpoint;
  // HUAWEICLOUD_SDK_CREDENTIALS_FILE, else $HOME/.huaweicloud/credentials;
  // empty when neither that variable nor HOME is set.
  std::string credentials_file;
};

// Reads the SDK environment variables through `env` (returns "" when unset).
SdkEnvironment ReadSdkEnvironment(absl::FunctionRef<std::string(absl::string_view)> env);

// Parses the contents of a credentials file (format above). `path` is only
// used in messages. Fails with INVALID_ARGUMENT on a syntax error (naming the
// line number), a missing section, or a missing or malformed ak/sk.
absl::StatusOr<AkskCredential> ParseCredentialsFile(absl::string_view contents,
                                                    absl::string_view path);

// Reads a file that holds secrets (a credentials or password file): it must be
// a regular file of at most 64 KiB that neither group nor others may access;
// the error says how to fix it (chmod 600 PATH). `what` names the file's role
// in messages, e.g. "credentials file".
absl::StatusOr<std::string> ReadPrivateFile(const std::string& path, absl::string_view what);

// Provides the AK/SK credentials to sign with. Implementations are thread-safe.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;

  // Returns the credentials to use now (never null). Cheap enough to call for
  // every request.
  virtual std::shared_ptr<const AkskCredential> Current() = 0;

  // Where the credentials come from, for start-up logs, e.g. "environment".
  virtual std::string Describe() const = 0;
};

// Credentials fixed at start-up (from the environment).
class StaticCredentialSource final : public CredentialSource {
 public:
  // `credential` should satisfy ValidateAkskCredential().
  StaticCredentialSource(AkskCredential credential, std::string description);

  std::shared_ptr<const AkskCredential> Current() override { return credential_; }
  std::string Describe() const override { return description_; }

 private:
  const std::shared_ptr<const AkskCredential> credential_;
  const std::string description_;
};

// Settings of a FileCredentialSource.
struct FileCredentialSourceOptions {
  // The credentials file.
  std::string path;
  // How often the file is checked for changes.
  absl::Duration check_interval = absl::Seconds(1);
  // Receives log events (never secrets) with their level, "info" or
  // "warning"; default: a JSON log line on stderr (LogEvent).
  absl::AnyInvocable<void(absl::string_view level, absl::string_view message) const> log;
  // Runs the file checks (and gives their time). When null the source starts
  // a thread of its own (a ThreadScheduler), so that file I/O never delays
  // the timers of a shared scheduler.
  std::shared_ptr<Scheduler> scheduler;
};

// Credentials from a credentials file, re-read when the file's identity, size,
// modification or change time differ from the last read. The checks run every
// check_interval on the scheduler; Current() never touches the file.
class FileCredentialSource final : public CredentialSource {
 public:
  // Reads and checks the file (on the calling thread: any problem is a
  // start-up error), then starts the periodic checks.
  static absl::StatusOr<std::unique_ptr<FileCredentialSource>> Create(
      FileCredentialSourceOptions options);
  FileCredentialSource(const FileCredentialSource&) = delete;
  FileCredentialSource& operator=(const FileCredentialSource&) = delete;
  // Stops the checks (waiting for a running one when the thread is its own).
  ~FileCredentialSource() override;

  // The credentials of the last good version of the file. No I/O.
  std::shared_ptr<const AkskCredential> Current() override;
  std::string Describe() const override;

 private:
  // The file's state and its checks, shared with the scheduler's timers
  // (which hold it weakly).
  class Watcher;

  FileCredentialSource(std::shared_ptr<Watcher> watcher,
                       std::shared_ptr<ThreadScheduler> own_scheduler);

  const std::shared_ptr<Watcher> watcher_;
  // The checks' thread when the options named no scheduler; else null.
  const std::shared_ptr<ThreadScheduler> own_scheduler_;
};

// Builds the source the SDKs' chain selects: the environment when it has both
// HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, else the credentials file. Fails
// with a message that says what to set when neither yields usable
// credentials, or when only one of AK and SK is set. `file_options.path` is
// taken from `env`.
absl::StatusOr<std::shared_ptr<CredentialSource>> MakeCredentialSource(
    const SdkEnvironment& env, FileCredentialSourceOptions file_options);

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_CREDENTIAL_SOURCE_H_
