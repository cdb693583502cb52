#ifndef HSS_TESTS_E2E_CHILD_PROCESS_H_
#define HSS_TESTS_E2E_CHILD_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hss::testing {

// A program started for an end-to-end test: its stdout's first line is read to
// learn where it listens, its stderr goes to a log file, and it is stopped
// (SIGTERM, then SIGKILL) when the object goes away.
class ChildProcess {
 public:
  // Starts `argv[0]` with `argv` and `env_overrides` ("NAME=value", replacing an inherited
  // variable of that name) in its environment, and waits up to `timeout` for its first stdout
  // line.
  static absl::StatusOr<ChildProcess> Start(const std::vector<std::string>& argv,
                                            const std::vector<std::string>& env_overrides = {},
                                            absl::Duration timeout = absl::Seconds(20));

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();

  // The first line the program printed on stdout (without the newline).
  const std::string& first_line() const { return first_line_; }
  // The port at the end of first_line() ("... host:PORT"), or 0.
  int port() const;
  // The process id.
  pid_t pid() const { return pid_; }
  // Path of the file collecting the program's stderr.
  const std::string& stderr_path() const { return stderr_path_; }
  // Everything the program wrote to stderr so far.
  std::string ReadStderr() const;

  // Sends `signal_number` and waits up to `timeout` for the exit; returns the
  // exit status (as from waitpid) or an error on time-out.
  absl::StatusOr<int> Stop(int signal_number, absl::Duration timeout);
  // Whether Stop() has been called.
  bool stop_requested() const { return stop_requested_; }
  // Reaps the process if it has exited on its own: its exit status (as from
  // waitpid) then, nullopt while it runs or after Stop().
  std::optional<int> ExitedEarly();

 private:
  ChildProcess(pid_t pid, int stdout_fd, std::string first_line, std::string stderr_path)
      : pid_(pid),
        stdout_fd_(stdout_fd),
        first_line_(std::move(first_line)),
        stderr_path_(std::move(stderr_path)) {}

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string first_line_;
  std::string stderr_path_;
  bool stop_requested_ = false;
};

}  // namespace hss::testing

#endif  // HSS_TESTS_E2E_CHILD_PROCESS_H_
