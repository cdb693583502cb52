// End-to-end WatchPorts: hss-sim and hss-gateway as processes; the simulator's control API opens,
// closes and modifies ports while watchers read as consumers would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::Port;
using hss::ports::v1::PortChange;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;
using hss::ports::v1::WatchPortsRequest;
using hss::ports::v1::WatchPortsResponse;

using Identity = std::tuple<int, std::string, int, std::string>;
using Held = std::map<Identity, Port>;

Identity IdentityOf(const Port& p) {
  return {static_cast<int>(p.type()), p.laddr(), p.port(), p.container_id()};
}

// Applies one message as a consumer does.
void Apply(const WatchPortsResponse& m, Held& held) {
  if (m.reset()) held.clear();
  for (const PortChange& c : m.changes()) {
    if (c.kind() == PortChange::KIND_REMOVED) {
      held.erase(IdentityOf(c.port()));
    } else {
      held[IdentityOf(c.port())] = c.port();
    }
  }
}

bool SamePorts(const Held& a, const Held& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [id, port] : a) {
    auto it = b.find(id);
    if (it == b.end() || it->second.SerializeAsString() != port.SerializeAsString()) return false;
  }
  return true;
}

// One open watch.
struct Watch {
  std::unique_ptr<hss::ports::v1::PortService::Stub> stub;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<WatchPortsResponse>> reader;
  Held held;
  std::vector<WatchPortsResponse> messages;

  // Reads up to and including the next `synced` message; false if the stream ended.
  bool ReadSynced() {
    WatchPortsResponse m;
    while (reader->Read(&m)) {
      Apply(m, held);
      messages.push_back(m);
      if (m.synced()) return true;
    }
    return false;
  }
};

class WatchPortsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = GatewayEnv::Start(
        {.sim_args = {"--hosts=snap:1234,empty:0,chg:50,many:450,late:100,flaky:40,"
                      "pause:2000,cancel:30,dl:10,bad:10,churn:600"},
         .gateway_args = {"--watch_min_interval=1s", "--watch_default_interval=1s",
                          "--watch_heartbeat=1h", "--watch_max_failure=2m",
                          "--watch_max_pending_messages=2", "--retry_max_attempts=1"}});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    env_->ClearFaults();
  }

  static WatchPortsRequest Request(const std::string& host_id, int interval_seconds = 0) {
    WatchPortsRequest r;
    r.set_host_id(host_id);
    r.set_interval_seconds(interval_seconds);
    return r;
  }

  static std::unique_ptr<Watch> Open(const WatchPortsRequest& request,
                                     absl::Duration timeout = absl::Seconds(90),
                                     const grpc::ChannelArguments* args = nullptr) {
    auto w = std::make_unique<Watch>();
    w->stub = args != nullptr ? env_->NewStub(*args) : env_->NewStub();
    w->context = std::make_unique<grpc::ClientContext>();
    GatewayEnv::Prepare(*w->context, timeout);
    w->reader = w->stub->WatchPorts(w->context.get(), request);
    return w;
  }

  // The host's ports now, by a StreamPorts walk (deduplicated by identity).
  static Held Walk(const std::string& host_id) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, absl::Seconds(30));
    StreamPortsRequest r;
    r.set_host_id(host_id);
    auto reader = env_->NewStub()->StreamPorts(&context, r);
    Held held;
    StreamPortsResponse m;
    while (reader->Read(&m)) {
      for (const Port& p : m.ports()) held[IdentityOf(p)] = p;
    }
    EXPECT_TRUE(reader->Finish().ok());
    return held;
  }

  static int RequestsFor(const std::string& host_id) {
    int n = 0;
    for (const SimRequest& r : env_->SimRequests()) {
      auto it = r.query.find("host_id");
      if (it != r.query.end() && it->second == host_id) ++n;
    }
    return n;
  }

  static void Change(const std::string& host_id, const std::string& body) {
    auto r = env_->SimCall("POST", "/_sim/hosts/" + host_id + "/changes", body);
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->first, 200) << r->second;
  }

  static GatewayEnv* env_;
};
GatewayEnv* WatchPortsE2E::env_ = nullptr;

TEST_F(WatchPortsE2E, InitialSnapshotEqualsAStreamPortsWalk) {
  auto w = Open(Request("snap"));
  ASSERT_TRUE(w->ReadSynced());
  const Held walked = Walk("snap");
  EXPECT_TRUE(SamePorts(w->held, walked)) << w->held.size() << " vs " << walked.size();
  // At most 500 changes per message (the generated data repeats some identities: one each).
  ASSERT_GT(walked.size(), 500u);
  EXPECT_EQ(w->messages.size(), (walked.size() + 499) / 500);
  EXPECT_TRUE(w->messages.front().reset());
  for (size_t i = 0; i < w->messages.size(); ++i) {
    const WatchPortsResponse& m = w->messages[i];
    EXPECT_EQ(m.reset(), i == 0);
    EXPECT_EQ(m.synced(), i + 1 == w->messages.size());
    EXPECT_LE(m.changes_size(), 500);
    EXPECT_EQ(m.interval_seconds(), 1);
    for (const PortChange& c : m.changes()) EXPECT_EQ(c.kind(), PortChange::KIND_ADDED);
  }
  EXPECT_EQ(w->messages.back().total_num(), static_cast<int>(walked.size()));
  w->context->TryCancel();
}

TEST_F(WatchPortsE2E, EmptyHostIsOneResetSyncedMessage) {
  auto w = Open(Request("empty"));
  ASSERT_TRUE(w->ReadSynced());
  ASSERT_EQ(w->messages.size(), 1u);
  EXPECT_TRUE(w->messages[0].reset());
  EXPECT_TRUE(w->messages[0].synced());
  EXPECT_EQ(w->messages[0].changes_size(), 0);
  EXPECT_EQ(w->messages[0].total_num(), 0);
  w->context->TryCancel();
}

TEST_F(WatchPortsE2E, OpenCloseModifyGiveExactlyThoseEvents) {
  auto w = Open(Request("chg"));
  ASSERT_TRUE(w->ReadSynced());
  const size_t before = w->held.size();
  Change("chg", R"([{"op":"close","index":0},{"op":"modify","index":1,"pid":777},
                    {"op":"open","type":"UDP","port":5353,"laddr":"0.0.0.0","status":"normal"}])");
  ASSERT_TRUE(w->ReadSynced());
  const WatchPortsResponse& m = w->messages.back();
  EXPECT_FALSE(m.reset());
  ASSERT_EQ(m.changes_size(), 3) << m.DebugString();
  std::map<PortChange::Kind, Port> by_kind;
  for (const PortChange& c : m.changes()) by_kind[c.kind()] = c.port();
  ASSERT_EQ(by_kind.size(), 3u);
  EXPECT_EQ(by_kind[PortChange::KIND_MODIFIED].pid(), 777);
  EXPECT_EQ(by_kind[PortChange::KIND_ADDED].port(), 5353);
  EXPECT_EQ(by_kind[PortChange::KIND_ADDED].type(), hss::ports::v1::PROTOCOL_UDP);
  EXPECT_EQ(m.total_num(), static_cast<int>(before));
  EXPECT_TRUE(SamePorts(w->held, Walk("chg")));
  w->context->TryCancel();
}

TEST_F(WatchPortsE2E, HundredWatchersOfOneHostShareOneWalkPerInterval) {
  std::vector<std::unique_ptr<Watch>> watchers;
  for (int i = 0; i < 100; ++i) watchers.push_back(Open(Request("many")));
  for (auto& w : watchers) ASSERT_TRUE(w->ReadSynced());
  env_->ClearSimRequests();
  const absl::Time start = absl::Now();
  absl::SleepFor(absl::Seconds(4));
  const int requests = RequestsFor("many");
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  // 450 ports = 3 pages per walk, one walk per second (not 100).
  EXPECT_GE(requests, 3);
  EXPECT_LE(requests, 3 * (static_cast<int>(seconds) + 2)) << requests << " in " << seconds << " s";
  for (auto& w : watchers) w->context->TryCancel();
}

TEST_F(WatchPortsE2E, LateJoinerGetsTheSnapshotWithoutAnUpstreamRequest) {
  auto first = Open(Request("late", 60));
  ASSERT_TRUE(first->ReadSynced());
  env_->ClearSimRequests();
  auto late = Open(Request("late", 60));
  ASSERT_TRUE(late->ReadSynced());
  EXPECT_EQ(RequestsFor("late"), 0);
  EXPECT_TRUE(late->messages.front().reset());
  EXPECT_TRUE(SamePorts(late->held, first->held));
  first->context->TryCancel();
  late->context->TryCancel();
}

TEST_F(WatchPortsE2E, FailedPollsSendNothingAndEndNothingThenTheChanges) {
  auto w = Open(Request("flaky"));
  ASSERT_TRUE(w->ReadSynced());
  env_->AddFault(R"({"match":{"host_id":"flaky"},"status":503,"times":3})");
  Change("flaky", R"({"op":"close","index":0})");
  // Three polls fail (503, no retry), the poller backs off, and the fourth reports the change.
  ASSERT_TRUE(w->ReadSynced());
  ASSERT_EQ(w->messages.size(), 2u);
  const WatchPortsResponse& m = w->messages.back();
  ASSERT_EQ(m.changes_size(), 1) << m.DebugString();
  EXPECT_EQ(m.changes(0).kind(), PortChange::KIND_REMOVED);
  int failed = 0;
  for (const SimRequest& r : env_->SimRequests()) {
    if (r.query.count("host_id") && r.query.at("host_id") == "flaky" && r.status == 503) ++failed;
  }
  EXPECT_EQ(failed, 3);
  w->context->TryCancel();
}

TEST_F(WatchPortsE2E, PausedConsumerGetsAResetInsteadOfUnboundedMemory) {
  // Small, fixed HTTP/2 windows: little can wait in transit.
  grpc::ChannelArguments args;
  args.SetInt("grpc.http2.bdp_probe", 0);
  args.SetInt("grpc.http2.lookahead_bytes", 16 * 1024);
  auto w = Open(Request("pause"), absl::Seconds(90), &args);
  ASSERT_TRUE(w->ReadSynced());
  const size_t snapshot_messages = w->messages.size();
  // The consumer reads nothing while every poll changes 500 ports (one big message each):
  // more than --watch_max_pending_messages=2 would wait.
  for (int round = 0; round < 6; ++round) {
    std::string body = "[";
    for (int i = 0; i < 500; ++i) {
      absl::StrAppend(&body, i ? "," : "", R"({"op":"modify","index":)", i, R"(,"pid":)",
                      10000 + round, "}");
    }
    Change("pause", body + "]");
    absl::SleepFor(absl::Milliseconds(1300));
  }
  absl::SleepFor(absl::Milliseconds(1500));  // The last change is polled.
  bool reset = false;
  while (!reset || !w->messages.back().synced()) {
    WatchPortsResponse m;
    ASSERT_TRUE(w->reader->Read(&m));
    Apply(m, w->held);
    w->messages.push_back(m);
    if (m.reset()) reset = true;
  }
  EXPECT_TRUE(reset);
  // Far fewer messages than the 6 polls' changes plus a snapshot each.
  EXPECT_LE(w->messages.size() - snapshot_messages, 10u);
  EXPECT_TRUE(SamePorts(w->held, Walk("pause")));
  w->context->TryCancel();
}

TEST_F(WatchPortsE2E, UnderChurnTheWatcherHoldsWhatAWalkSees) {
  auto w = Open(Request("churn"));
  ASSERT_TRUE(w->ReadSynced());
  auto r = env_->SimCall("POST", "/_sim/hosts/churn/churn", R"({"percent":5,"interval_ms":700})");
  ASSERT_TRUE(r.ok() && r->first == 200);
  int changes = 0;
  for (int poll = 0; poll < 4; ++poll) {
    const size_t before = w->messages.size();
    ASSERT_TRUE(w->ReadSynced());
    for (size_t i = before; i < w->messages.size(); ++i) {
      changes += w->messages[i].changes_size();
      EXPECT_FALSE(w->messages[i].reset());
      EXPECT_EQ(w->messages[i].total_num(), static_cast<int>(w->held.size()));
    }
  }
  EXPECT_GT(changes, 0);
  r = env_->SimCall("DELETE", "/_sim/hosts/churn/churn");
  ASSERT_TRUE(r.ok() && r->first == 200);
  // The host is quiet now: one more poll, and the watcher holds exactly what a walk sees.
  const Held walked = Walk("churn");
  for (int i = 0; i < 5 && !SamePorts(w->held, walked); ++i) ASSERT_TRUE(w->ReadSynced());
  EXPECT_TRUE(SamePorts(w->held, walked)) << w->held.size() << " vs " << walked.size();
  w->context->TryCancel();
}

TEST_F(WatchPortsE2E, CancelOfTheLastWatcherStopsPolling) {
  auto w = Open(Request("cancel"));
  ASSERT_TRUE(w->ReadSynced());
  w->context->TryCancel();
  WatchPortsResponse m;
  while (w->reader->Read(&m)) {
  }
  EXPECT_EQ(w->reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  absl::SleepFor(absl::Milliseconds(1500));  // A poll in flight ends.
  env_->ClearSimRequests();
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(RequestsFor("cancel"), 0);
}

TEST_F(WatchPortsE2E, DeadlineEndsTheWatchWithDeadlineExceeded) {
  auto w = Open(Request("dl"), absl::Milliseconds(2500));
  ASSERT_TRUE(w->ReadSynced());
  WatchPortsResponse m;
  while (w->reader->Read(&m)) {
  }
  EXPECT_EQ(w->reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(WatchPortsE2E, InvalidFiltersAreInvalidArgumentWithBadRequest) {
  WatchPortsRequest r = Request("bad", -1);
  r.set_port(70000);
  auto w = Open(r);
  WatchPortsResponse m;
  EXPECT_FALSE(w->reader->Read(&m));
  const grpc::Status status = w->reader->Finish();
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const DecodedError details = Decode(status);
  ASSERT_TRUE(details.bad_request.has_value());
  ASSERT_EQ(details.bad_request->field_violations_size(), 2);
  EXPECT_EQ(details.bad_request->field_violations(0).field(), "port");
  EXPECT_EQ(details.bad_request->field_violations(1).field(), "interval_seconds");
  ASSERT_TRUE(details.error_info.has_value());
  EXPECT_EQ(details.error_info->reason(), "INVALID_REQUEST");
}

}  // namespace
}  // namespace hss::testing
