#ifndef HSS_SERVER_TESTING_REDIS_SERVER_PROCESS_H_
#define HSS_SERVER_TESTING_REDIS_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hss::gateway::testing {

// A real Debian `redis-server` on a free loopback port, with no persistence,
// for tests: started, killed (-9), paused and restarted on the same port, and
// stopped when the object goes away.
class RedisServerProcess {
 public:
  // Starts redis-server (PATH, or /usr/bin) with `extra_args` (e.g.
  // {"--requirepass", "pw"}) and waits until it answers PING.
  static absl::StatusOr<std::unique_ptr<RedisServerProcess>> Start(
      std::vector<std::string> extra_args = {});

  ~RedisServerProcess();

  int port() const { return port_; }
  // "redis://127.0.0.1:PORT".
  std::string url() const;

  // Kills the server at once (SIGKILL) and reaps it.
  void Kill();
  // Stops (SIGSTOP) or resumes (SIGCONT) the server: a Redis that holds its
  // connections and answers nothing.
  void Pause();
  void Resume();
  // Starts it again on the same port (after Kill()), empty.
  absl::Status Restart();

  // Runs one command synchronously (a test's own look at the data); the reply
  // as text: a string, status, error or integer as is, nil as "(nil)", an
  // array as its elements joined by '\n'.
  absl::StatusOr<std::string> Run(const std::vector<std::string>& argv) const;

 private:
  RedisServerProcess(int port, std::vector<std::string> extra_args)
      : port_(port), extra_args_(std::move(extra_args)) {}
  absl::Status Spawn();

  const int port_;
  const std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
};

}  // namespace hss::gateway::testing

#endif  // HSS_SERVER_TESTING_REDIS_SERVER_PROCESS_H_
