#include "tests/e2e/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace hss::testing {

absl::StatusOr<ChildProcess> ChildProcess::Start(const std::vector<std::string>& argv,
                                                 const std::vector<std::string>& env_overrides,
                                                 absl::Duration timeout) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  char stderr_template[] = "/tmp/hss-e2e-stderr-XXXXXX";
  int err_fd = mkstemp(stderr_template);
  if (err_fd < 0) return absl::InternalError("mkstemp failed");

  // The overrides replace inherited variables of the same name (getenv finds the first).
  std::vector<std::string> env_strings = env_overrides;
  for (char** e = environ; *e != nullptr; ++e) {
    const absl::string_view inherited(*e);
    const absl::string_view name = inherited.substr(0, inherited.find('='));
    const bool overridden = std::any_of(
        env_overrides.begin(), env_overrides.end(),
        [&](const std::string& kv) { return absl::StartsWith(kv, absl::StrCat(name, "=")); });
    if (!overridden) env_strings.emplace_back(inherited);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    // Dies with the test, even when the test crashes before its clean-up.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(out[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    // The test process may block signals; the child starts with none blocked.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(argp[0], argp.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  close(err_fd);

  std::string line;
  const absl::Time give_up = absl::Now() + timeout;
  for (;;) {
    const absl::Duration left = give_up - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) break;
    char c;
    ssize_t n = read(out[0], &c, 1);
    if (n <= 0) break;
    if (c == '\n') {
      return ChildProcess(pid, out[0], line, stderr_template);
    }
    line.push_back(c);
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  close(out[0]);
  std::ifstream err(stderr_template);
  std::stringstream ss;
  ss << err.rdbuf();
  return absl::UnavailableError(absl::StrCat(argv[0], " did not announce its address; stdout: \"",
                                             line, "\"; stderr: ", ss.str()));
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_),
      stdout_fd_(other.stdout_fd_),
      first_line_(std::move(other.first_line_)),
      stderr_path_(std::move(other.stderr_path_)),
      stop_requested_(other.stop_requested_) {
  other.pid_ = -1;
  other.stdout_fd_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    if (!Stop(SIGTERM, absl::Seconds(5)).ok()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
}

int ChildProcess::port() const {
  auto colon = first_line_.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(first_line_.substr(colon + 1), &port)) {
    return 0;
  }
  return port;
}

std::string ChildProcess::ReadStderr() const {
  std::ifstream err(stderr_path_);
  std::stringstream ss;
  ss << err.rdbuf();
  return ss.str();
}

absl::StatusOr<int> ChildProcess::Stop(int signal_number, absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("not running");
  stop_requested_ = true;
  kill(pid_, signal_number);
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::DeadlineExceededError("process did not exit in time");
}

std::optional<int> ChildProcess::ExitedEarly() {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return status;
}

}  // namespace hss::testing
