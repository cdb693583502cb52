// End-to-end server reflection: a real reflection client (buf curl, from the
// npm package in tools/buf) lists every method of every service the gateway
// lists and calls one through the descriptors it learned.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

// What a command printed (stdout and stderr together) and its exit status.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs `argv` (no shell) and collects what it prints; the command must end by
// itself (buf curl has its own: --connect-timeout, --timeout).
CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult result;
  int fds[2];
  if (pipe(fds) != 0) return result;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  char buffer[4096];
  ssize_t n = 0;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) result.output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The buf CLI that scripts/install-deps.sh installs (npm ci in tools/buf).
std::string BufBinary() { return HSS_BUF_BIN; }

TEST(ReflectionE2E, BufCurlListsEveryMethodOfEveryListedService) {
  if (access(BufBinary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << BufBinary() << " is missing: run 'npm ci --no-audit --no-fund' in tools/buf "
                 << "(scripts/install-deps.sh does)";
  }
  auto env = GatewayEnv::Start();
  ASSERT_TRUE(env.ok()) << env.status();
  const std::string url = absl::StrCat("http://", (*env)->gateway_target());
  const std::vector<std::string> common = {
      BufBinary(),         "curl", "--protocol", "grpc", "--http2-prior-knowledge",
      "--connect-timeout", "10",   "--timeout",  "20s"};

  // --list-methods asks reflection for the file of every service it lists.
  std::vector<std::string> list = common;
  list.insert(list.end(), {"--list-methods", url});
  CommandResult methods = RunCommand(list);
  ASSERT_EQ(methods.exit_code, 0) << methods.output;
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(methods.output, '\n', absl::SkipWhitespace())) {
    lines.emplace_back(absl::StripAsciiWhitespace(line));
  }
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "grpc.health.v1.Health/Check",
                       "grpc.health.v1.Health/Watch",
                       "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                       "hss.ports.v1.PortService/ListPorts",
                       "hss.ports.v1.PortService/StreamPorts",
                       "hss.ports.v1.PortService/WatchPorts",
                   }))
      << methods.output;

  // The health service's descriptor is a working one: a call through it.
  std::vector<std::string> check = common;
  check.insert(check.end(), {absl::StrCat(url, "/grpc.health.v1.Health/Check")});
  CommandResult health = RunCommand(check);
  ASSERT_EQ(health.exit_code, 0) << health.output;
  EXPECT_NE(health.output.find(R"("status": "SERVING")"), std::string::npos) << health.output;

  // So is the API's: a ListPorts call answered by the simulator.
  std::vector<std::string> list_ports = common;
  list_ports.insert(list_ports.end(), {"-H", absl::StrCat("x-auth-token: ", GatewayEnv::kToken),
                                       "-d", R"({"host_id": "reflected-host", "limit": 10})",
                                       absl::StrCat(url, "/hss.ports.v1.PortService/ListPorts")});
  CommandResult ports = RunCommand(list_ports);
  ASSERT_EQ(ports.exit_code, 0) << ports.output;
  EXPECT_NE(ports.output.find("totalNum"), std::string::npos) << ports.output;
}

}  // namespace
}  // namespace hss::testing
