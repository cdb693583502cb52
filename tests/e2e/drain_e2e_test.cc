// End-to-end drain: two hss-gateway replicas against one hss-sim; SIGTERM to
// the first mid-walk hands the stream over to the second.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "sim/data/port_generator.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// The walked host: 1000 ports in 100 pages of 10, each page 150 ms late, so
// the walk takes several seconds.
constexpr char kHost[] = "long-walk";
constexpr int kPorts = 1000;
constexpr int kPageSize = 10;

// Health.Check("") of `target` over a new connection.
grpc::Status CheckHealth(const std::string& target, HealthCheckResponse* response) {
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  return health->Check(&context, HealthCheckRequest(), response);
}

// A StreamPorts walk of kHost from `start_offset`.
StreamPortsRequest Walk(int start_offset) {
  StreamPortsRequest request;
  request.set_host_id(kHost);
  request.set_page_size(kPageSize);
  request.set_start_offset(start_offset);
  return request;
}

// The call-log lines (JSON, one a line) of `stderr_text` that contain every one of `parts`.
std::vector<std::string> LogLinesWith(const std::string& stderr_text,
                                      const std::vector<std::string>& parts) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(stderr_text, '\n')) {
    bool all = true;
    for (const auto& part : parts) all = all && absl::StrContains(line, part);
    if (all) out.emplace_back(line);
  }
  return out;
}

TEST(DrainE2E, SigtermMidWalkHandsTheStreamOverToAnotherReplicaWithEveryPortOnce) {
  auto env = GatewayEnv::Start({
      .sim_args = {absl::StrCat("--hosts=", kHost, ":", kPorts)},
      // A window of 2 pages keeps this walk longer than pre-stop + drain.
      .gateway_args = {"--drain_prestop=1s", "--drain_timeout=2s", "--stream_prefetch_max_pages=2"},
      .gateway_replicas = 2,
  });
  ASSERT_TRUE(env.ok()) << env.status();
  GatewayEnv& e = **env;
  e.AddFault(absl::StrCat(R"({"match": {"host_id": ")", kHost, R"("}, "latency_ms": 150})"));

  HealthCheckResponse health;
  ASSERT_TRUE(CheckHealth(e.gateway_target(0), &health).ok());
  ASSERT_EQ(health.status(), HealthCheckResponse::SERVING);

  // The walk starts on replica 0.
  std::vector<int> seen(kPorts, 0);
  auto record = [&](const StreamPortsResponse& page) {
    for (int i = 0; i < page.ports_size(); ++i) {
      const int index = page.offset() + i;
      ASSERT_GE(index, 0);
      ASSERT_LT(index, kPorts);
      const sim::PortRecord want =
          sim::GeneratePort(sim::HostKey{1, kHost, sim::Category::kHost}, index);
      EXPECT_EQ(page.ports(i).port(), want.port) << "index " << index;
      ++seen[index];
    }
  };
  grpc::ClientContext first_context;
  GatewayEnv::Prepare(first_context, absl::Seconds(60));
  auto first = e.NewStub(0);
  auto reader = first->StreamPorts(&first_context, Walk(0));
  StreamPortsResponse page;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(reader->Read(&page)) << reader->Finish().error_message();
    record(page);
  }

  // SIGTERM to replica 0, mid-walk.
  const absl::Time sigterm = absl::Now();
  ASSERT_EQ(kill(e.gateway(0).pid(), SIGTERM), 0);
  // Pre-stop: the listener still answers, NOT_SERVING.
  absl::SleepFor(absl::Milliseconds(300));
  grpc::Status health_status = CheckHealth(e.gateway_target(0), &health);
  ASSERT_TRUE(health_status.ok()) << "health check 0.3 s after SIGTERM: "
                                  << health_status.error_message();
  EXPECT_EQ(health.status(), HealthCheckResponse::NOT_SERVING);
  // Replica 1 serves.
  ASSERT_TRUE(CheckHealth(e.gateway_target(1), &health).ok());
  EXPECT_EQ(health.status(), HealthCheckResponse::SERVING);

  // The stream goes on through pre-stop and drain, then ends with GATEWAY_DRAINING.
  int pages_after_sigterm = 0;
  while (reader->Read(&page)) {
    record(page);
    ++pages_after_sigterm;
  }
  const grpc::Status drained = reader->Finish();
  const absl::Duration drained_after = absl::Now() - sigterm;
  ASSERT_EQ(drained.error_code(), grpc::StatusCode::UNAVAILABLE) << drained.error_message();
  DecodedError details = Decode(drained);
  ASSERT_TRUE(details.has_details) << "no grpc-status-details-bin: " << drained.error_message();
  ASSERT_TRUE(details.error_info.has_value());
  EXPECT_EQ(details.error_info->reason(), "GATEWAY_DRAINING");
  EXPECT_EQ(details.error_info->domain(), "hss-gateway.hss.ports.v1");
  ASSERT_TRUE(details.error_info->metadata().contains("resumeOffset"));
  int resume_offset = -1;
  ASSERT_TRUE(absl::SimpleAtoi(details.error_info->metadata().at("resumeOffset"), &resume_offset));
  // Pre-stop (1 s) plus drain (2 s), with pages all along.
  EXPECT_GE(drained_after, absl::Milliseconds(2800));
  EXPECT_LT(drained_after, absl::Seconds(10));
  EXPECT_GT(pages_after_sigterm, 3);
  ASSERT_GT(resume_offset, 0);
  ASSERT_LT(resume_offset, kPorts) << "the walk was not long enough to be drained";
  std::printf("drained %s after SIGTERM at resumeOffset %d, %d pages after the signal\n",
              absl::FormatDuration(drained_after).c_str(), resume_offset, pages_after_sigterm);
  // resumeOffset is the first port not delivered.
  for (int i = 0; i < kPorts; ++i) {
    ASSERT_EQ(seen[i], i < resume_offset ? 1 : 0) << "index " << i;
  }

  // Replica 0 exits by itself, 0, after the drain.
  absl::StatusOr<int> exit = e.gateway(0).Stop(0, absl::Seconds(10));
  ASSERT_TRUE(exit.ok()) << "replica 0 did not exit after its drain";
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
  // Its call log records the drained stream as such.
  const std::vector<std::string> lines = LogLinesWith(
      e.gateway(0).ReadStderr(), {R"("msg":"call")", R"("method":"StreamPorts")",
                                  R"("code":"UNAVAILABLE")", R"("reason":"GATEWAY_DRAINING")"});
  ASSERT_EQ(lines.size(), 1u) << e.gateway(0).ReadStderr();
  EXPECT_TRUE(absl::StrContains(lines[0], absl::StrCat(R"("ports":)", resume_offset))) << lines[0];

  // The client resumes on replica 1 from the offset it was given.
  grpc::ClientContext second_context;
  GatewayEnv::Prepare(second_context, absl::Seconds(60));
  auto second = e.NewStub(1);
  e.ClearFaults();
  auto resumed = second->StreamPorts(&second_context, Walk(resume_offset));
  while (resumed->Read(&page)) record(page);
  const grpc::Status done = resumed->Finish();
  ASSERT_TRUE(done.ok()) << done.error_message();
  for (int i = 0; i < kPorts; ++i) ASSERT_EQ(seen[i], 1) << "index " << i;
}

TEST(DrainE2E, ASecondSigtermDuringPrestopExitsAtOnce) {
  auto env = GatewayEnv::Start({.gateway_args = {"--drain_prestop=60s"}});
  ASSERT_TRUE(env.ok()) << env.status();
  GatewayEnv& e = **env;
  ASSERT_EQ(kill(e.gateway().pid(), SIGTERM), 0);
  absl::SleepFor(absl::Milliseconds(200));
  HealthCheckResponse health;
  ASSERT_TRUE(CheckHealth(e.gateway_target(), &health).ok());
  EXPECT_EQ(health.status(), HealthCheckResponse::NOT_SERVING);
  const absl::Time second = absl::Now();
  absl::StatusOr<int> exit = e.gateway().Stop(SIGTERM, absl::Seconds(10));
  ASSERT_TRUE(exit.ok()) << "no exit within 10 s of the second SIGTERM";
  EXPECT_LT(absl::Now() - second, absl::Seconds(3));
  EXPECT_TRUE(WIFEXITED(*exit) && WEXITSTATUS(*exit) == 0) << *exit;
}

}  // namespace
}  // namespace hss::testing
