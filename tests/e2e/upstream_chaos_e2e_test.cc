// End-to-end upstream chaos: the simulator killed (-9) and restarted in the
// middle of a walk and of a watch, an upstream that accepts connections and never answers,
// and random transient faults over a 100,000-port walk. Whatever happens, a
// consumer that resumes from `resumeOffset` ends up with every port exactly
// once, in order, and no call waits longer than its limits.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rapidjson/document.h"
#include "sim/data/port_generator.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::Port;
using hss::ports::v1::PortChange;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;
using hss::ports::v1::WatchPortsRequest;
using hss::ports::v1::WatchPortsResponse;

// A loopback socket bound to a free port, listening (the kernel completes
// handshakes into its backlog) but never accepting nor answering.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && listen(fd_, 64) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentListener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A loopback port that was free a moment ago.
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

// True if the gateway's port is the simulator's record `index` of `host_id`.
::testing::AssertionResult IsRecord(const std::string& host_id, uint64_t index, const Port& got) {
  const sim::PortRecord want =
      sim::GeneratePort(sim::HostKey{1, host_id, sim::Category::kHost}, index);
  if (got.port() != want.port || got.laddr() != want.laddr.value_or("") ||
      got.pid() != want.pid.value_or(0) || got.path() != want.path.value_or("") ||
      got.status_text() != want.status.value_or("") ||
      got.container_id() != want.container_id.value_or("")) {
    return ::testing::AssertionFailure() << "port at index " << index << " is not record " << index
                                         << " (got port " << got.port() << ")";
  }
  return ::testing::AssertionSuccess();
}

// Reads one StreamPorts call from `start_offset`. `on_page` runs after each
// page (with the pages read so far). Returns the final status; appends the
// ports to `ports`.
grpc::Status StreamOnce(const GatewayEnv& env, const std::string& host_id, int start_offset,
                        std::vector<Port>& ports, int& resume_offset,
                        const std::function<void(int)>& on_page = nullptr) {
  grpc::ClientContext context;
  GatewayEnv::Prepare(context, absl::Seconds(120));
  StreamPortsRequest request;
  request.set_host_id(host_id);
  request.set_start_offset(start_offset);
  auto stub = env.NewStub();
  auto reader = stub->StreamPorts(&context, request);
  StreamPortsResponse page;
  int pages = 0;
  while (reader->Read(&page)) {
    for (auto& port : *page.mutable_ports()) ports.push_back(std::move(port));
    if (on_page) on_page(++pages);
  }
  const grpc::Status status = reader->Finish();
  resume_offset = -1;
  if (auto info = Decode(status).error_info) {
    auto it = info->metadata().find("resumeOffset");
    if (it != info->metadata().end()) (void)absl::SimpleAtoi(it->second, &resume_offset);
  }
  return status;
}

// Walks all of `host_id`, resuming after each failure (at most `max_resumes`
// times); every failure must be UNAVAILABLE with a `resumeOffset` equal to the
// ports delivered so far. Returns the number of resumes.
int WalkWithResumes(const GatewayEnv& env, const std::string& host_id, int max_resumes,
                    std::vector<Port>& ports, const std::function<void(int)>& on_page = nullptr) {
  int resumes = 0;
  for (int offset = 0;;) {
    int resume_offset = -1;
    const grpc::Status status = StreamOnce(env, host_id, offset, ports, resume_offset, on_page);
    if (status.ok()) return resumes;
    EXPECT_EQ(status.error_code(), grpc::UNAVAILABLE) << status.error_message();
    EXPECT_EQ(resume_offset, static_cast<int>(ports.size())) << status.error_message();
    if (resume_offset != static_cast<int>(ports.size()) || ++resumes > max_resumes) {
      ADD_FAILURE() << "giving up after " << resumes << " resumes: " << status.error_message();
      return resumes;
    }
    offset = resume_offset;
  }
}

void ExpectEveryRecordOnceInOrder(const std::string& host_id, int count,
                                  const std::vector<Port>& ports) {
  ASSERT_EQ(ports.size(), static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) ASSERT_TRUE(IsRecord(host_id, i, ports[i]));
}

TEST(UpstreamChaosE2E, SimulatorKilledAndRestartedMidWalk) {
  constexpr int kPorts = 20'000;  // 100 pages
  const int port = FreePort();
  ASSERT_GT(port, 0);
  const std::vector<std::string> sim_argv = {SimBinary(), absl::StrCat("--listen=127.0.0.1:", port),
                                             "--auth=none", absl::StrCat("--hosts=chaos:", kPorts),
                                             "--latency_ms=5"};
  auto first = ChildProcess::Start(sim_argv);
  ASSERT_TRUE(first.ok()) << first.status();
  std::optional<ChildProcess> sim(*std::move(first));
  // Retries span the restart; the breaker stays out of the way.
  auto env = GatewayEnv::Start(
      {.gateway_args = {"--retry_initial_backoff=100ms", "--retry_max_backoff=500ms",
                        "--breaker_failure_threshold=0"},
       .endpoint_override = absl::StrCat("http://127.0.0.1:", port)});
  ASSERT_TRUE(env.ok()) << env.status();

  bool restarted = false;
  std::vector<Port> ports;
  const int resumes = WalkWithResumes(**env, "chaos", 5, ports, [&](int pages) {
    if (pages != 20 || restarted) return;
    restarted = true;
    ASSERT_TRUE(sim->Stop(SIGKILL, absl::Seconds(5)).ok());
    sim.reset();
    // The same data comes back: it is a function of the seed and the host.
    for (int attempt = 0; attempt < 50 && !sim; ++attempt) {
      auto again = ChildProcess::Start(sim_argv);
      if (again.ok()) {
        sim.emplace(*std::move(again));
      } else {
        absl::SleepFor(absl::Milliseconds(100));  // The port may still be held.
      }
    }
    ASSERT_TRUE(sim.has_value()) << "the simulator did not restart on port " << port;
  });
  EXPECT_TRUE(restarted);
  ExpectEveryRecordOnceInOrder("chaos", kPorts, ports);
  std::cout << "walk across a kill -9 + restart: " << resumes << " resumes\n";
}

// Starts the simulator with `argv`, retrying while the port is still held.
std::optional<ChildProcess> StartSimOnItsPort(const std::vector<std::string>& argv) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto sim = ChildProcess::Start(argv);
    if (sim.ok()) return *std::move(sim);
    absl::SleepFor(absl::Milliseconds(100));
  }
  return std::nullopt;
}

using Identity = std::tuple<int, std::string, int, std::string>;

Identity IdentityOf(const Port& p) {
  return {static_cast<int>(p.type()), p.laddr(), p.port(), p.container_id()};
}

TEST(UpstreamChaosE2E, SimulatorKilledAndRestartedMidWatch) {
  const int port = FreePort();
  ASSERT_GT(port, 0);
  // 10 pages at 100 ms each: a poll takes about a second, so the kill lands
  // in one or between two of them.
  const auto sim_argv = [&](int ports) {
    return std::vector<std::string>{SimBinary(), absl::StrCat("--listen=127.0.0.1:", port),
                                    "--auth=none", absl::StrCat("--hosts=chaos:", ports),
                                    "--latency_ms=100"};
  };
  std::optional<ChildProcess> sim = StartSimOnItsPort(sim_argv(2000));
  ASSERT_TRUE(sim.has_value());
  auto env = GatewayEnv::Start(
      {.gateway_args = {"--watch_min_interval=1s", "--watch_default_interval=1s",
                        "--watch_max_failure=60s", "--watch_heartbeat=1h",
                        "--retry_initial_backoff=100ms", "--retry_max_backoff=500ms",
                        "--breaker_failure_threshold=0"},
       .endpoint_override = absl::StrCat("http://127.0.0.1:", port)});
  ASSERT_TRUE(env.ok()) << env.status();

  grpc::ClientContext context;
  GatewayEnv::Prepare(context, absl::Seconds(60));
  WatchPortsRequest request;
  request.set_host_id("chaos");
  auto stub = (*env)->NewStub();
  auto reader = stub->WatchPorts(&context, request);
  std::map<Identity, Port> held;
  int removed = 0, resets = 0;
  // Reads and applies messages up to the next `synced` one.
  const auto read_synced = [&] {
    WatchPortsResponse m;
    while (reader->Read(&m)) {
      if (m.reset()) {
        ++resets;
        held.clear();
      }
      for (const PortChange& c : m.changes()) {
        if (c.kind() == PortChange::KIND_REMOVED) {
          ++removed;
          held.erase(IdentityOf(c.port()));
        } else {
          held[IdentityOf(c.port())] = c.port();
        }
      }
      EXPECT_EQ(m.total_num(), static_cast<int>(held.size()));
      if (m.synced()) return true;
    }
    return false;
  };
  ASSERT_TRUE(read_synced());
  ASSERT_FALSE(held.empty());
  const size_t before = held.size();

  // Down for about three polls, killed 1.5 s after the snapshot; back with
  // 100 more ports (the generated records do not depend on the count).
  absl::SleepFor(absl::Milliseconds(1500));
  ASSERT_TRUE(sim->Stop(SIGKILL, absl::Seconds(5)).ok());
  sim.reset();
  absl::SleepFor(absl::Seconds(3));
  std::optional<ChildProcess> restarted = StartSimOnItsPort(sim_argv(2100));
  ASSERT_TRUE(restarted.has_value()) << "the simulator did not restart on port " << port;

  // The watch lived through it: the next poll brings the new ports, nothing
  // was reported removed, no reset, and the watcher holds what a walk sees.
  ASSERT_TRUE(read_synced()) << reader->Finish().error_message();
  EXPECT_EQ(resets, 1);  // the snapshot's
  EXPECT_EQ(removed, 0);
  EXPECT_GT(held.size(), before);
  std::vector<Port> walked;
  int resume_offset = -1;
  ASSERT_TRUE(StreamOnce(**env, "chaos", 0, walked, resume_offset).ok());
  std::map<Identity, Port> expected;
  for (const Port& p : walked) expected[IdentityOf(p)] = p;
  ASSERT_EQ(held.size(), expected.size());
  for (const auto& [identity, p] : expected) {
    auto it = held.find(identity);
    ASSERT_NE(it, held.end()) << "port " << p.port() << " missing from the watcher";
    EXPECT_EQ(it->second.SerializeAsString(), p.SerializeAsString());
  }
  context.TryCancel();
  (void)reader->Finish();
}

TEST(UpstreamChaosE2E, UpstreamThatAcceptsAndNeverAnswers) {
  SilentListener silent;
  ASSERT_GT(silent.port(), 0);
  auto env =
      GatewayEnv::Start({.gateway_args = {"--upstream_timeout=1s", "--retry_max_attempts=1",
                                          "--breaker_failure_threshold=0"},
                         .endpoint_override = absl::StrCat("http://127.0.0.1:", silent.port())});
  ASSERT_TRUE(env.ok()) << env.status();
  {
    // The gateway's own timeout is the limit.
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, absl::Seconds(20));
    ListPortsRequest request;
    request.set_host_id("silent");
    ListPortsResponse response;
    const absl::Time start = absl::Now();
    const grpc::Status status = (*env)->NewStub()->ListPorts(&context, request, &response);
    EXPECT_LT(absl::Now() - start, absl::Seconds(10));
    EXPECT_EQ(status.error_code(), grpc::UNAVAILABLE) << status.error_message();
    auto info = Decode(status).error_info;
    ASSERT_TRUE(info.has_value()) << status.error_message();
    EXPECT_EQ(info->reason(), "UPSTREAM_TIMEOUT");
  }
  {
    // The caller's deadline is the limit.
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, absl::Milliseconds(400));
    ListPortsRequest request;
    request.set_host_id("silent");
    ListPortsResponse response;
    const grpc::Status status = (*env)->NewStub()->ListPorts(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::DEADLINE_EXCEEDED) << status.error_message();
  }
  {
    std::vector<Port> ports;
    int resume_offset = -1;
    const grpc::Status status = StreamOnce(**env, "silent", 400, ports, resume_offset);
    EXPECT_EQ(status.error_code(), grpc::UNAVAILABLE) << status.error_message();
    EXPECT_TRUE(ports.empty());
    EXPECT_EQ(resume_offset, 400);
  }
}

TEST(UpstreamChaosE2E, TenPercentTransientFaultsOverAHundredThousandPortWalk) {
  constexpr int kPorts = 100'000;  // 500 pages
  auto env = GatewayEnv::Start(
      {.sim_args = {absl::StrCat("--hosts=chaos:", kPorts)},
       .gateway_args = {"--retry_initial_backoff=10ms", "--retry_max_backoff=100ms",
                        "--breaker_failure_threshold=0"}});
  ASSERT_TRUE(env.ok()) << env.status();
  // About one upstream answer in ten breaks, four ways.
  (*env)->AddFault(
      R"([{"match":{"host_id":"chaos"},"probability":0.03,"status":503},
          {"match":{"host_id":"chaos"},"probability":0.03,"reset_connection":true},
          {"match":{"host_id":"chaos"},"probability":0.02,"truncate_body":true},
          {"match":{"host_id":"chaos"},"probability":0.02,"drop_connection":true}])");
  std::vector<Port> ports;
  const int resumes = WalkWithResumes(**env, "chaos", 20, ports);
  ExpectEveryRecordOnceInOrder("chaos", kPorts, ports);

  // The faults did happen (the simulator counts each rule's hits).
  auto faults = (*env)->SimCall("GET", "/_sim/faults");
  ASSERT_TRUE(faults.ok()) << faults.status();
  rapidjson::Document doc;
  doc.Parse(faults->second.c_str());
  ASSERT_TRUE(doc.IsArray()) << faults->second;
  long long hits = 0;
  for (const auto& rule : doc.GetArray()) {
    if (rule.HasMember("applied") && rule["applied"].IsInt64()) hits += rule["applied"].GetInt64();
  }
  EXPECT_GE(hits, 20) << faults->second;
  std::cout << "100,000-port walk: " << hits << " injected faults, " << resumes << " resumes\n";
}

}  // namespace
}  // namespace hss::testing
