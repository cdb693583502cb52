// End-to-end StreamPorts: hss-sim and hss-gateway as processes, read as a consumer would.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "sim/data/port_generator.h"
#include "sim/data/port_query.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::Port;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// The simulator's record `index` of host `host_id` (seed 1, host category).
sim::PortRecord Expected(const std::string& host_id, uint64_t index) {
  return sim::GeneratePort(sim::HostKey{1, host_id, sim::Category::kHost}, index);
}

// True if the gateway's port carries exactly the simulator's record.
::testing::AssertionResult SamePort(const sim::PortRecord& want, const Port& got) {
  auto fail = [&](const char* field) {
    return ::testing::AssertionFailure() << field << " differs at port " << want.port;
  };
  if (got.host_id() != want.host_id) return fail("host_id");
  if (got.laddr() != want.laddr.value_or("")) return fail("laddr");
  if (got.status_text() != want.status.value_or("")) return fail("status_text");
  if (got.port() != want.port) return fail("port");
  if ((got.type() == hss::ports::v1::PROTOCOL_UDP ? "UDP" : "TCP") != want.type) {
    return fail("type");
  }
  if (got.pid() != want.pid.value_or(0)) return fail("pid");
  if (got.path() != want.path.value_or("")) return fail("path");
  if (got.agent_id() != want.agent_id.value_or("")) return fail("agent_id");
  if (got.container_id() != want.container_id.value_or("")) return fail("container_id");
  return ::testing::AssertionSuccess();
}

// What a consumer saw of one stream.
struct StreamResult {
  std::vector<StreamPortsResponse> messages;
  grpc::Status status;
  long long ports() const {
    long long n = 0;
    for (const auto& m : messages) n += m.ports_size();
    return n;
  }
};

class StreamPortsE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = GatewayEnv::Start({.sim_args = {"--hosts=big:10007,empty:0,mid:2000,slow:20000"}});
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
    env_->ClearSimRequests();
  }

  static StreamPortsRequest Request(const std::string& host_id, int page_size = 0,
                                    int start_offset = 0) {
    StreamPortsRequest r;
    r.set_host_id(host_id);
    r.set_page_size(page_size);
    r.set_start_offset(start_offset);
    return r;
  }

  // Reads a whole stream; `after_message(i)` runs after message i is read.
  static StreamResult ReadAll(const StreamPortsRequest& request,
                              const std::function<void(int)>& after_message = nullptr,
                              absl::Duration timeout = absl::Seconds(60)) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, timeout);
    auto stub = env_->NewStub();
    auto reader = stub->StreamPorts(&context, request);
    StreamResult result;
    StreamPortsResponse message;
    while (reader->Read(&message)) {
      result.messages.push_back(message);
      if (after_message) after_message(static_cast<int>(result.messages.size()) - 1);
    }
    result.status = reader->Finish();
    return result;
  }

  static void ExpectWholeHost(const StreamResult& r, const std::string& host, uint64_t count,
                              uint64_t from = 0) {
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    uint64_t next = from;
    for (const auto& m : r.messages) {
      ASSERT_EQ(static_cast<uint64_t>(m.offset()), next);
      for (const auto& p : m.ports()) {
        ASSERT_LT(next, count);
        ASSERT_TRUE(SamePort(Expected(host, next), p)) << "index " << next;
        ++next;
      }
    }
    EXPECT_EQ(next, count);
  }

  static GatewayEnv* env_;
};
GatewayEnv* StreamPortsE2E::env_ = nullptr;

TEST_F(StreamPortsE2E, EveryPortOnceInOrderEqualToTheSimulator) {
  StreamResult r = ReadAll(Request("big", 200));
  ExpectWholeHost(r, "big", 10007);
  ASSERT_EQ(r.messages.size(), 51u);
  for (const auto& m : r.messages) EXPECT_EQ(m.total_num(), 10007);
  // One upstream request per page: nothing fetched twice, nothing beyond the end.
  EXPECT_EQ(env_->SimRequests().size(), 51u);
}

TEST_F(StreamPortsE2E, DefaultPageSizeIsTheUpstreamMaximum) {
  StreamResult r = ReadAll(Request("mid"));
  ExpectWholeHost(r, "mid", 2000);
  EXPECT_EQ(r.messages.size(), 10u);
  for (const auto& req : env_->SimRequests()) EXPECT_EQ(req.query.at("limit"), "200");
}

TEST_F(StreamPortsE2E, StartOffsetResumesMidWalk) {
  StreamResult r = ReadAll(Request("mid", 100, 1500));
  ExpectWholeHost(r, "mid", 2000, 1500);
}

TEST_F(StreamPortsE2E, EmptyHostEndsOkWithNoMessage) {
  StreamResult r = ReadAll(Request("empty", 50));
  EXPECT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_TRUE(r.messages.empty());
}

TEST_F(StreamPortsE2E, InvalidPageSizeIsInvalidArgument) {
  StreamResult r = ReadAll(Request("mid", 5));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  DecodedError details = Decode(r.status);
  ASSERT_TRUE(details.bad_request.has_value());
  EXPECT_EQ(details.bad_request->field_violations(0).field(), "page_size");
  EXPECT_TRUE(env_->SimRequests().empty());
}

TEST_F(StreamPortsE2E, TotalThatShrinksMidWalkEndsCleanly) {
  ASSERT_TRUE(env_->SimCall("POST", "/_sim/hosts", R"({"host_id":"shrink","count":3000})").ok());
  StreamResult r = ReadAll(Request("shrink", 100), [](int i) {
    if (i == 0) {
      (void)env_->SimCall("POST", "/_sim/hosts", R"({"host_id":"shrink","count":1234})");
    }
  });
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  // Pages fetched before the change may hold ports past the new end; nothing is repeated and
  // the walk stops at the short page.
  uint64_t next = 0;
  for (const auto& m : r.messages) {
    ASSERT_EQ(static_cast<uint64_t>(m.offset()), next);
    for (const auto& p : m.ports()) ASSERT_TRUE(SamePort(Expected("shrink", next++), p));
  }
  EXPECT_GE(next, 1234u);
  EXPECT_LT(next, 3000u);
  EXPECT_EQ(r.messages.back().total_num(), 1234);
}

TEST_F(StreamPortsE2E, TotalThatGrowsMidWalkIsFollowed) {
  // The first page says 500 ports; by the later pages the host has 1500.
  ASSERT_TRUE(env_->SimCall("POST", "/_sim/hosts", R"({"host_id":"grow","count":1500})").ok());
  env_->AddFault(R"({"match":{"host_id":"grow","offset":0},"times":1,"total_num":500})");
  StreamResult r = ReadAll(Request("grow", 100));
  ExpectWholeHost(r, "grow", 1500);
  EXPECT_EQ(r.messages.front().total_num(), 500);
  EXPECT_EQ(r.messages.back().total_num(), 1500);
}

TEST_F(StreamPortsE2E, TransientUnavailablePageIsRetriedWithoutLossOrDuplicates) {
  env_->AddFault(R"({"match":{"host_id":"mid","offset":800},"times":1,"status":503,
                     "error_code":"APIG.0201","error_msg":"busy"})");
  StreamResult r = ReadAll(Request("mid", 200));
  ExpectWholeHost(r, "mid", 2000);
  int at_800 = 0;
  for (const auto& req : env_->SimRequests()) {
    at_800 += req.query.count("offset") != 0 && req.query.at("offset") == "800";
  }
  EXPECT_EQ(at_800, 2);
}

TEST_F(StreamPortsE2E, PersistentFailureEndsWithResumeOffsetAndResumingCompletes) {
  env_->AddFault(R"({"match":{"host_id":"big","offset":1400},"times":-1,"status":500,
                     "error_code":"HSS.0041","error_msg":"internal"})");
  StreamResult r = ReadAll(Request("big", 200));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INTERNAL);
  ASSERT_EQ(r.messages.size(), 7u);  // pages 0-6
  EXPECT_EQ(r.ports(), 1400);
  DecodedError details = Decode(r.status);
  ASSERT_TRUE(details.error_info.has_value());
  EXPECT_EQ(details.error_info->metadata().at("resumeOffset"), "1400");
  EXPECT_NE(r.status.error_message().find("HSS.0041"), std::string::npos);

  env_->ClearFaults();
  StreamResult rest = ReadAll(Request("big", 200, 1400));
  ExpectWholeHost(rest, "big", 10007, 1400);
}

TEST_F(StreamPortsE2E, SlowConsumerHoldsThePrefetchBound) {
  // Small, fixed HTTP/2 windows, so that little can wait in transit between the
  // gateway and this consumer: what the simulator sees is then the gateway's doing.
  grpc::ChannelArguments args;
  args.SetInt("grpc.http2.bdp_probe", 0);
  args.SetInt("grpc.http2.lookahead_bytes", 16 * 1024);
  auto stub = env_->NewStub(args);
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  auto reader = stub->StreamPorts(&context, Request("slow", 200));  // 100 pages
  StreamPortsResponse message;
  long long read = 0;
  long long worst_lead = 0;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(reader->Read(&message));
    ++read;
    absl::SleepFor(absl::Milliseconds(100));  // one message per 100 ms
    const auto requested = static_cast<long long>(env_->SimRequests().size());
    worst_lead = std::max(worst_lead, requested - read);
  }
  // The consumer pauses: the gateway stops at the bound. The pause gives a walk
  // without backpressure time to run ahead; the check is the bound, so a slow
  // machine cannot fail it.
  absl::SleepFor(absl::Milliseconds(800));
  const auto paused = static_cast<long long>(env_->SimRequests().size());
  // Bound: the prefetch window (it stays at its initial page, as this consumer
  // never waits on the upstream) + 1 being written + what the small windows
  // hold in transit.
  EXPECT_LE(worst_lead, 6);
  EXPECT_LE(paused - read, 6);
  EXPECT_LT(paused, 30);  // far from the 100 pages a walk without backpressure would fetch
  context.TryCancel();
}

TEST_F(StreamPortsE2E, CancelAfterFirstMessageStopsUpstreamRequests) {
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  auto stub = env_->NewStub();
  auto reader = stub->StreamPorts(&context, Request("slow", 200));
  StreamPortsResponse message;
  ASSERT_TRUE(reader->Read(&message));
  context.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The cancellation reaches the gateway a moment after Finish returns here; by
  // then the walk may have fetched what the prefetch window and the transport's
  // buffers held. After that, nothing more: a walk that ignored the
  // cancellation would go on fetching the host's 100 pages.
  absl::SleepFor(absl::Milliseconds(300));
  const size_t at_cancel = env_->SimRequests().size();
  absl::SleepFor(absl::Milliseconds(700));
  EXPECT_EQ(env_->SimRequests().size(), at_cancel);
  EXPECT_LT(at_cancel, 30u);
}

TEST_F(StreamPortsE2E, DeadlineEndsTheWalkAndAbortsTransfers) {
  // The page at offset 400 is held far longer than the caller's deadline: the
  // walk ends at the deadline, not when HSS would have answered.
  env_->AddFault(R"({"match":{"host_id":"mid","offset":400},"times":1,"latency_ms":6000})");
  const absl::Time start = absl::Now();
  StreamResult r = ReadAll(Request("mid", 200), nullptr, absl::Seconds(2));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(6));
  EXPECT_EQ(r.ports(), 400);
}

TEST_F(StreamPortsE2E, TwoHundredConcurrentStreamsAllCompleteAndCorrect) {
  constexpr int kStreams = 200;
  std::vector<StreamResult> results(kStreams);
  std::vector<std::thread> threads;
  // 8 client threads, 25 streams each, read concurrently through async-free blocking readers
  // would need 200 threads; instead each thread interleaves its streams round-robin.
  auto stub = env_->NewStub();
  std::atomic<int> next{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      struct Open {
        int index;
        std::unique_ptr<grpc::ClientContext> context;
        std::unique_ptr<grpc::ClientReader<StreamPortsResponse>> reader;
      };
      std::vector<Open> open;
      for (int i = next.fetch_add(1); i < kStreams; i = next.fetch_add(1)) {
        Open o{i, std::make_unique<grpc::ClientContext>(), nullptr};
        GatewayEnv::Prepare(*o.context, absl::Seconds(120));
        o.reader = stub->StreamPorts(o.context.get(), Request(absl::StrCat("host-", i), 50));
        open.push_back(std::move(o));
      }
      for (auto& o : open) {
        StreamPortsResponse m;
        while (o.reader->Read(&m)) results[o.index].messages.push_back(m);
        results[o.index].status = o.reader->Finish();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kStreams; ++i) {
    const std::string host = absl::StrCat("host-", i);
    const uint64_t count = sim::DefaultPortCount(sim::HostKey{1, host, sim::Category::kHost});
    SCOPED_TRACE(host);
    ExpectWholeHost(results[i], host, count);
  }
}

// An upstream that answers every page with 50 rows more than `limit` asked
// for: the walk still ends, with every port exactly once and in order.
TEST_F(StreamPortsE2E, PagesWithMoreRowsThanLimitYieldEveryPortOnce) {
  env_->AddFault(R"({"match":{"host_id":"mid"},"extra_rows":50})");
  ExpectWholeHost(ReadAll(Request("mid", 200), nullptr, absl::Seconds(30)), "mid", 2000);
  env_->ClearFaults();
  env_->AddFault(R"({"match":{"host_id":"mid"},"extra_rows":50})");
  ExpectWholeHost(ReadAll(Request("mid", 30, 17), nullptr, absl::Seconds(30)), "mid", 2000, 17);
}

}  // namespace
}  // namespace hss::testing
