#include "server/watch/port_poller.h"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/testing/fake_scheduler.h"
#include "server/watch/port_diff.h"
#include "server/watch/watch_hub.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::Port;
using hss::ports::v1::PortChange;
using hss::ports::v1::WatchPortsResponse;

Port MakePort(int number, int pid = 1) {
  Port port;
  port.set_host_id("h1");
  port.set_port(number);
  port.set_laddr("0.0.0.0");
  port.set_type(hss::ports::v1::PROTOCOL_TCP);
  port.set_pid(pid);
  return port;
}

// An HssStub serving one changeable host, paged by offset/limit, answering at
// once; it can fail the next calls.
class HostStub : public HssStub {
 public:
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const ListPortsRequest& request, PortsPageCallback done) override {
    absl::StatusOr<PortsPage> answer;
    {
      absl::MutexLock lock(&mu_);
      ++calls_;
      if (failures_ > 0) {
        --failures_;
        answer = failure_;
      } else {
        PortsPage page;
        page.has_total_num = true;
        page.http_status = 200;
        page.response.set_total_num(reported_total_.value_or(static_cast<int>(ports_.size())));
        const int limit = request.limit() > 0 ? request.limit() : 10;
        for (int i = request.offset();
             i < static_cast<int>(ports_.size()) && i < request.offset() + limit; ++i) {
          *page.response.add_data_list() = ports_[i];
        }
        answer = std::move(page);
      }
    }
    std::move(done)(std::move(answer));
  }

  void Set(std::vector<Port> ports) {
    absl::MutexLock lock(&mu_);
    ports_ = std::move(ports);
  }
  void ReportTotal(std::optional<int> total) {
    absl::MutexLock lock(&mu_);
    reported_total_ = total;
  }
  void Fail(int times, absl::Status failure = absl::UnavailableError("upstream 503")) {
    absl::MutexLock lock(&mu_);
    failures_ = times;
    failure_ = std::move(failure);
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  absl::Mutex mu_;
  std::vector<Port> ports_;
  std::optional<int> reported_total_;
  int failures_ = 0;
  absl::Status failure_;
  int calls_ = 0;
};

// One watcher's stream as the reactor sees it: drains Next() when notified.
struct TestWatcher {
  std::unique_ptr<Watcher> watcher;
  std::vector<WatchPortsResponse> got;
  // The same messages, as shared with other watchers.
  std::vector<SharedWatchMessage> shared;
  std::optional<absl::Status> end;
  int notified = 0;

  void Drain() {
    for (;;) {
      PortPoller::Next next = watcher->Next();
      if (next.end) end = next.end;
      if (!next.message) return;
      got.push_back(next.message->response);
      shared.push_back(next.message);
    }
  }
};

class PortPollerTest : public ::testing::Test {
 protected:
  PortPollerTest() {
    options_.default_interval = absl::Seconds(10);
    options_.min_interval = absl::Seconds(1);
    options_.heartbeat = absl::Seconds(60);
    options_.max_failure = absl::Seconds(60);
    options_.max_backoff = absl::Seconds(20);
    options_.page_size = 10;
    hub_ = std::make_shared<WatchHub>(std::make_shared<PortsConnection>(stub_, 2, 1), scheduler_,
                                      options_);
    std::vector<Port> ports;
    for (int i = 1; i <= 25; ++i) ports.push_back(MakePort(i));
    stub_->Set(ports);
    query_.set_host_id("h1");
  }

  std::unique_ptr<TestWatcher> Join(absl::Duration interval = absl::ZeroDuration()) {
    auto w = std::make_unique<TestWatcher>();
    TestWatcher* raw = w.get();
    CallContext context;
    context.upstream_identity = "ak:TEST";
    w->watcher = hub_->Join(context, "p1", query_, interval, [raw] { ++raw->notified; });
    return w;
  }

  WatchOptions options_;
  std::shared_ptr<HostStub> stub_ = std::make_shared<HostStub>();
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  std::shared_ptr<WatchHub> hub_;
  ListPortsRequest query_;
};

TEST_F(PortPollerTest, FirstMessagesAreTheSnapshot) {
  auto w = Join();
  EXPECT_EQ(stub_->calls(), 3);  // 25 ports, 10 per page.
  EXPECT_GE(w->notified, 1);
  w->Drain();
  ASSERT_EQ(w->got.size(), 1u);
  EXPECT_TRUE(w->got[0].reset());
  EXPECT_TRUE(w->got[0].synced());
  EXPECT_EQ(w->got[0].changes_size(), 25);
  EXPECT_EQ(w->got[0].total_num(), 25);
  EXPECT_EQ(w->got[0].interval_seconds(), 10);
}

TEST_F(PortPollerTest, ChangesAfterTheNextPollOnly) {
  auto w = Join();
  w->Drain();
  std::vector<Port> ports;
  for (int i = 2; i <= 25; ++i) ports.push_back(MakePort(i, i == 5 ? 99 : 1));
  ports.push_back(MakePort(8080));
  stub_->Set(ports);
  w->Drain();
  EXPECT_EQ(w->got.size(), 1u);  // Nothing before the poll.
  scheduler_->AdvanceBy(absl::Seconds(10));
  w->Drain();
  ASSERT_EQ(w->got.size(), 2u);
  const WatchPortsResponse& m = w->got[1];
  EXPECT_FALSE(m.reset());
  EXPECT_TRUE(m.synced());
  EXPECT_EQ(m.total_num(), 25);
  ASSERT_EQ(m.changes_size(), 3);
  EXPECT_EQ(m.changes(0).kind(), PortChange::KIND_REMOVED);
  EXPECT_EQ(m.changes(0).port().port(), 1);
  EXPECT_EQ(m.changes(1).kind(), PortChange::KIND_MODIFIED);
  EXPECT_EQ(m.changes(1).port().pid(), 99);
  EXPECT_EQ(m.changes(2).kind(), PortChange::KIND_ADDED);
  // An unchanged poll sends nothing (no heartbeat before 60 s).
  scheduler_->AdvanceBy(absl::Seconds(10));
  w->Drain();
  EXPECT_EQ(w->got.size(), 2u);
}

TEST_F(PortPollerTest, ManyWatchersShareOnePollAndLateJoinerCostsNothing) {
  std::vector<std::unique_ptr<TestWatcher>> watchers;
  for (int i = 0; i < 100; ++i) watchers.push_back(Join());
  EXPECT_EQ(stub_->calls(), 3);
  EXPECT_EQ(hub_->pollers(), 1u);
  scheduler_->AdvanceBy(absl::Seconds(10));
  EXPECT_EQ(stub_->calls(), 6);
  auto late = Join();
  EXPECT_EQ(stub_->calls(), 6);
  late->Drain();
  ASSERT_EQ(late->got.size(), 1u);
  EXPECT_TRUE(late->got[0].reset());
  EXPECT_EQ(late->got[0].changes_size(), 25);
  // Watchers share one copy of each message: the snapshot is built once.
  auto later = Join();
  later->Drain();
  ASSERT_EQ(later->shared.size(), 1u);
  EXPECT_EQ(later->shared[0], late->shared[0]);
}

TEST_F(PortPollerTest, LastWatcherLeavingStopsPolling) {
  auto a = Join();
  auto b = Join();
  a.reset();
  scheduler_->AdvanceBy(absl::Seconds(10));
  EXPECT_EQ(stub_->calls(), 6);
  b.reset();
  EXPECT_EQ(hub_->pollers(), 0u);
  scheduler_->AdvanceBy(absl::Seconds(100));
  EXPECT_EQ(stub_->calls(), 6);
  EXPECT_EQ(scheduler_->pending_timers(), 0u);
}

TEST_F(PortPollerTest, FailedPollsKeepStateThenReportTheChanges) {
  auto w = Join();
  w->Drain();
  stub_->Fail(3);
  std::vector<Port> ports;
  for (int i = 1; i <= 24; ++i) ports.push_back(MakePort(i));
  stub_->Set(ports);
  // Three failed polls (10 s, then backoff 10, 20 s): no event, no end.
  scheduler_->AdvanceBy(absl::Seconds(10));
  scheduler_->AdvanceBy(absl::Seconds(10));
  scheduler_->AdvanceBy(absl::Seconds(20));
  w->Drain();
  EXPECT_EQ(w->got.size(), 1u);
  EXPECT_FALSE(w->end.has_value());
  scheduler_->AdvanceBy(absl::Seconds(20));
  w->Drain();
  ASSERT_EQ(w->got.size(), 2u);
  ASSERT_EQ(w->got[1].changes_size(), 1);
  EXPECT_EQ(w->got[1].changes(0).kind(), PortChange::KIND_REMOVED);
  EXPECT_EQ(w->got[1].changes(0).port().port(), 25);
}

TEST_F(PortPollerTest, FailingForMaxFailureEndsTheWatch) {
  auto w = Join();
  w->Drain();
  stub_->Fail(1000);
  for (int i = 0; i < 10 && !w->end; ++i) {
    scheduler_->AdvanceBy(absl::Seconds(20));
    w->Drain();
  }
  ASSERT_TRUE(w->end.has_value());
  EXPECT_EQ(w->end->code(), absl::StatusCode::kUnavailable);
}

TEST_F(PortPollerTest, FirstPollFailingForGoodEndsTheWatchAtOnce) {
  stub_->Fail(1000, absl::UnauthenticatedError("no token"));
  auto w = Join();
  w->Drain();
  ASSERT_TRUE(w->end.has_value());
  EXPECT_EQ(w->end->code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(w->got.empty());
  EXPECT_EQ(stub_->calls(), 1);
  // A new watcher starts a new poller (the ended one is not reused).
  stub_->Fail(0);
  auto next = Join();
  next->Drain();
  ASSERT_EQ(next->got.size(), 1u);
  EXPECT_TRUE(next->got[0].reset());
}

TEST_F(PortPollerTest, FirstPollFailingTransientlyIsRetried) {
  stub_->Fail(2);
  auto w = Join();
  w->Drain();
  EXPECT_FALSE(w->end.has_value());
  EXPECT_TRUE(w->got.empty());
  scheduler_->AdvanceBy(absl::Seconds(10));
  scheduler_->AdvanceBy(absl::Seconds(20));
  w->Drain();
  ASSERT_EQ(w->got.size(), 1u);
  EXPECT_TRUE(w->got[0].reset());
  EXPECT_EQ(w->got[0].changes_size(), 25);
}

TEST_F(PortPollerTest, HeartbeatAfterQuietPolls) {
  auto w = Join();
  w->Drain();
  for (int i = 0; i < 6; ++i) scheduler_->AdvanceBy(absl::Seconds(10));
  w->Drain();
  ASSERT_EQ(w->got.size(), 2u);
  EXPECT_TRUE(w->got[1].synced());
  EXPECT_EQ(w->got[1].changes_size(), 0);
  EXPECT_EQ(w->got[1].total_num(), 25);
}

TEST_F(PortPollerTest, SlowWatcherGetsAResetInsteadOfEveryChange) {
  options_.max_pending_messages = 2;
  hub_ = std::make_shared<WatchHub>(std::make_shared<PortsConnection>(stub_, 2, 1), scheduler_,
                                    options_);
  auto w = Join();
  w->Drain();
  for (int round = 0; round < 5; ++round) {
    std::vector<Port> ports;
    for (int i = 1; i <= 25; ++i) ports.push_back(MakePort(i, round + 2));
    stub_->Set(ports);
    scheduler_->AdvanceBy(absl::Seconds(10));  // The watcher reads nothing meanwhile.
  }
  w->Drain();
  ASSERT_EQ(w->got.size(), 2u);
  EXPECT_TRUE(w->got[1].reset());
  EXPECT_EQ(w->got[1].changes_size(), 25);
  EXPECT_EQ(w->got[1].changes(0).port().pid(), 6);
}

TEST_F(PortPollerTest, IncompleteWalkReportsNoRemoval) {
  auto w = Join();
  w->Drain();
  // 24 ports arrive but the pages say 25 (the walk missed one): no removal...
  std::vector<Port> ports;
  for (int i = 1; i <= 24; ++i) ports.push_back(MakePort(i));
  ports.push_back(MakePort(30));
  stub_->Set(ports);
  stub_->ReportTotal(26);
  scheduler_->AdvanceBy(absl::Seconds(10));
  w->Drain();
  ASSERT_EQ(w->got.size(), 2u);
  ASSERT_EQ(w->got[1].changes_size(), 1);
  EXPECT_EQ(w->got[1].changes(0).kind(), PortChange::KIND_ADDED);
  EXPECT_EQ(w->got[1].total_num(), 26);
  // ...until a complete walk shows it is gone.
  stub_->ReportTotal(std::nullopt);
  scheduler_->AdvanceBy(absl::Seconds(10));
  w->Drain();
  ASSERT_EQ(w->got.size(), 3u);
  ASSERT_EQ(w->got[2].changes_size(), 1);
  EXPECT_EQ(w->got[2].changes(0).kind(), PortChange::KIND_REMOVED);
  EXPECT_EQ(w->got[2].changes(0).port().port(), 25);
}

TEST_F(PortPollerTest, DuplicatesWithinAPollCollapse) {
  auto w = Join();
  w->Drain();
  std::vector<Port> ports;
  for (int i = 1; i <= 24; ++i) ports.push_back(MakePort(i));
  ports.push_back(MakePort(24));  // Paging over a changing set showed 24 twice.
  stub_->Set(ports);
  scheduler_->AdvanceBy(absl::Seconds(10));
  w->Drain();
  ASSERT_EQ(w->got.size(), 2u);
  EXPECT_EQ(w->got[1].total_num(), 24);
  ASSERT_EQ(w->got[1].changes_size(), 1);
  EXPECT_EQ(w->got[1].changes(0).port().port(), 25);
}

TEST(WatchKeyTest, KeyHoldsNoTokenAndSeparatesFilters) {
  CallContext a;
  a.passthrough_token = "secret-token";
  a.upstream_identity = "token:abc";
  ListPortsRequest q;
  q.set_host_id("h1");
  const std::string key = WatchKey(a, "p", q);
  EXPECT_EQ(key.find("secret"), std::string::npos);
  EXPECT_EQ(key.size(), 64u);
  ListPortsRequest other = q;
  other.set_port(22);
  EXPECT_NE(WatchKey(a, "p", other), key);
  EXPECT_NE(WatchKey(a, "q", q), key);
  CallContext b = a;
  b.passthrough_token = "another";
  EXPECT_EQ(WatchKey(b, "p", q), key);
}

}  // namespace
}  // namespace hss::gateway
