#include "server/testing/redis_server_process.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace hss::gateway::testing {
namespace {

// A loopback port nobody listens on now.
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string ReplyText(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_INTEGER:
      return absl::StrCat(reply.integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_ARRAY: {
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < reply.elements; ++i)
        parts.push_back(ReplyText(*reply.element[i]));
      return absl::StrJoin(parts, "\n");
    }
    default:
      return std::string(reply.str, reply.len);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServerProcess>> RedisServerProcess::Start(
    std::vector<std::string> extra_args) {
  const int port = FreePort();
  if (port == 0) return absl::InternalError("no free loopback port");
  std::unique_ptr<RedisServerProcess> server(new RedisServerProcess(port, std::move(extra_args)));
  if (absl::Status status = server->Spawn(); !status.ok()) return status;
  return server;
}

RedisServerProcess::~RedisServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGCONT);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string RedisServerProcess::url() const { return absl::StrCat("redis://127.0.0.1:", port_); }

absl::Status RedisServerProcess::Spawn() {
  std::vector<std::string> args = {
      "redis-server", "--bind", "127.0.0.1",  "--port",  absl::StrCat(port_), "--save", "",
      "--appendonly", "no",     "--loglevel", "warning", "--logfile",         ""};
  // Quiet: redis-server logs to stdout when --logfile is empty.
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
    }
    execvp("redis-server", argv.data());
    execv("/usr/bin/redis-server", argv.data());
    _exit(127);
  }
  pid_ = pid;
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  while (absl::Now() < give_up) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::FailedPreconditionError(
          "redis-server exited at start (is it installed? scripts/install-deps.sh installs it)");
    }
    redisContext* c = redisConnect("127.0.0.1", port_);
    if (c != nullptr && c->err == 0) {
      auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
      // PING answers +PONG, or NOAUTH when a password is set: either means it is up.
      const bool up = reply != nullptr;
      if (reply != nullptr) freeReplyObject(reply);
      redisFree(c);
      if (up) return absl::OkStatus();
    } else if (c != nullptr) {
      redisFree(c);
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError("redis-server did not answer PING within 20 s");
}

void RedisServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void RedisServerProcess::Pause() {
  if (pid_ > 0) kill(pid_, SIGSTOP);
}

void RedisServerProcess::Resume() {
  if (pid_ > 0) kill(pid_, SIGCONT);
}

absl::Status RedisServerProcess::Restart() {
  Kill();
  return Spawn();
}

absl::StatusOr<std::string> RedisServerProcess::Run(const std::vector<std::string>& argv) const {
  timeval timeout = {5, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, timeout);
  if (c == nullptr || c->err != 0) {
    if (c != nullptr) redisFree(c);
    return absl::UnavailableError("cannot connect to the test Redis");
  }
  std::vector<const char*> args;
  std::vector<std::size_t> lengths;
  for (const std::string& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lengths.data()));
  if (reply == nullptr) {
    redisFree(c);
    return absl::UnavailableError("the test Redis did not answer");
  }
  std::string text = ReplyText(*reply);
  freeReplyObject(reply);
  redisFree(c);
  return text;
}

}  // namespace hss::gateway::testing
