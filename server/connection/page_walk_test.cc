#include "server/connection/page_walk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"

namespace hss::gateway {
namespace {

using hss::ports::v1::ListPortsRequest;

// An HssStub whose answers the test releases one by one: each request waits in
// `pending` until Answer() runs its callback.
class FakeStub : public HssStub {
 public:
  struct Pending {
    ListPortsRequest request;
    PortsPageCallback done;
  };

  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const ListPortsRequest& request, PortsPageCallback done) override {
    auto cancellation = context.cancellation;
    if (cancellation->cancelled()) {
      std::move(done)(absl::CancelledError("cancelled"));
      return;
    }
    absl::MutexLock lock(&mu_);
    requested_offsets.push_back(request.offset());
    pending.push_back({request, std::move(done)});
  }

  // Answers the oldest pending request with a page of `count` ports of a host
  // that has `total` ports (port numbers are the absolute positions).
  void AnswerPage(int count, int total) {
    Pending p = Pop();
    PortsPage page;
    page.http_status = 200;
    page.has_total_num = true;
    page.response.set_total_num(total);
    for (int i = 0; i < count; ++i) {
      page.response.add_data_list()->set_port(static_cast<int>(p.request.offset()) + i);
    }
    std::move(p.done)(std::move(page));
  }

  // Answers the oldest pending request with the natural page of a `total`-port host.
  void AnswerNatural(int total) {
    int offset;
    int limit;
    {
      absl::MutexLock lock(&mu_);
      offset = pending.front().request.offset();
      limit = pending.front().request.limit();
    }
    AnswerPage(std::max(0, std::min(limit, total - offset)), total);
  }

  void AnswerError(absl::Status status) { std::move(Pop().done)(std::move(status)); }

  // Answers the pending request at `index` (0 = oldest) with `make(request)`.
  void AnswerWith(size_t index, absl::FunctionRef<PortsPage(const ListPortsRequest&)> make) {
    Pending p;
    {
      absl::MutexLock lock(&mu_);
      p = std::move(pending[index]);
      pending.erase(pending.begin() + static_cast<long>(index));
    }
    std::move(p.done)(make(p.request));
  }

  size_t pending_count() {
    absl::MutexLock lock(&mu_);
    return pending.size();
  }

  std::vector<int> offsets() {
    absl::MutexLock lock(&mu_);
    return requested_offsets;
  }

 private:
  Pending Pop() {
    absl::MutexLock lock(&mu_);
    Pending p = std::move(pending.front());
    pending.pop_front();
    return p;
  }

  absl::Mutex mu_;
  std::deque<Pending> pending;
  std::vector<int> requested_offsets;
};

class PageWalkTest : public ::testing::Test {
 protected:
  // Completes what a test left in flight: a pending callback holds its walk,
  // which holds the stub (a cycle until the callback runs).
  ~PageWalkTest() override {
    while (stub_->pending_count() > 0) stub_->AnswerError(absl::CancelledError("test ended"));
  }

  std::shared_ptr<PageWalk> MakeWalk(int page_size, int start_offset, int prefetch = 2) {
    PageWalkOptions options;
    options.page_size = page_size;
    options.start_offset = start_offset;
    options.prefetch_initial_pages = options.prefetch_max_pages = prefetch;  // A fixed window.
    ListPortsRequest query;
    query.set_host_id("h");
    return PageWalk::Create(stub_, context_, "p", query, options, [this] { ++notifications_; });
  }

  // Takes every ready page; returns the ports' numbers seen.
  std::vector<int> Drain(PageWalk& walk, PageWalk::Step* last = nullptr) {
    std::vector<int> ports;
    for (;;) {
      PageWalk::Step step = walk.Next();
      if (step.kind != PageWalk::Step::kPage) {
        if (last != nullptr) *last = step;
        return ports;
      }
      EXPECT_EQ(step.page.ports(0).port(), step.page.offset());
      for (const auto& p : step.page.ports()) ports.push_back(p.port());
    }
  }

  std::shared_ptr<FakeStub> stub_ = std::make_shared<FakeStub>();
  CallContext context_;
  int notifications_ = 0;
};

TEST_F(PageWalkTest, FirstFetchAloneThenPrefetchesUpToTheBound) {
  auto walk = MakeWalk(10, 0, /*prefetch=*/2);
  walk->Start();
  EXPECT_EQ(stub_->offsets(), std::vector<int>({0}));  // The total is unknown yet.
  stub_->AnswerNatural(95);
  // One page fetched and not taken: only one more may be in flight.
  EXPECT_EQ(stub_->offsets(), std::vector<int>({0}));
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kPage);
  EXPECT_EQ(step.page.offset(), 0);
  EXPECT_EQ(step.page.total_num(), 95);
  EXPECT_EQ(stub_->offsets(), std::vector<int>({0, 10, 20}));
}

TEST_F(PageWalkTest, SlowConsumerStopsFetchingAtTheBound) {
  auto walk = MakeWalk(10, 0, /*prefetch=*/3);
  walk->Start();
  stub_->AnswerNatural(1000);
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  while (stub_->pending_count() > 0) stub_->AnswerNatural(1000);
  // Nothing taken since: 3 pages wait, nothing more is requested.
  EXPECT_EQ(stub_->offsets().size(), 4u);
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  EXPECT_EQ(stub_->offsets().size(), 5u);
}

// An adaptive walk: window from `initial` up to `max`, optional shared budget.
std::shared_ptr<PageWalk> MakeAdaptiveWalk(std::shared_ptr<HssStub> stub,
                                           const CallContext& context, int initial, int max,
                                           std::shared_ptr<StreamBufferBudget> budget = nullptr) {
  PageWalkOptions options;
  options.page_size = 10;
  options.prefetch_initial_pages = initial;
  options.prefetch_max_pages = max;
  options.budget = std::move(budget);
  ListPortsRequest query;
  query.set_host_id("h");
  return PageWalk::Create(std::move(stub), context, "p", query, options, [] {});
}

TEST_F(PageWalkTest, WindowGrowsWhileTheConsumerWaitsOnTheUpstream) {
  // A fast consumer of a slow upstream: it always finds its page missing, so
  // the window doubles up to its maximum, and never beyond.
  auto walk = MakeAdaptiveWalk(stub_, context_, 1, 8);
  walk->Start();
  EXPECT_EQ(stub_->pending_count(), 1u);
  size_t most_in_flight = 0;
  int pages = 0;
  for (int round = 0; round < 60 && pages < 60; ++round) {
    most_in_flight = std::max(most_in_flight, stub_->pending_count());
    // The consumer is ready: nothing is there yet.
    ASSERT_NE(walk->Next().kind, PageWalk::Step::kDone);
    stub_->AnswerNatural(10'000);  // One page arrives; the consumer takes it.
    PageWalk::Step step = walk->Next();
    ASSERT_EQ(step.kind, PageWalk::Step::kPage);
    ++pages;
  }
  EXPECT_EQ(most_in_flight, 8u);
  EXPECT_EQ(walk->stats().max_window, 8);
}

TEST_F(PageWalkTest, WindowStaysAtOneForAConsumerSlowerThanTheUpstream) {
  // Pages are ready whenever the consumer comes back: the window does not grow,
  // and one page at most waits ahead of the consumer.
  auto walk = MakeAdaptiveWalk(stub_, context_, 1, 8);
  walk->Start();
  for (int i = 0; i < 30; ++i) {
    while (stub_->pending_count() > 0) stub_->AnswerNatural(10'000);
    ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage) << i;
  }
  EXPECT_EQ(walk->stats().max_window, 1);
  EXPECT_LE(stub_->offsets().size(), 31u);
}

TEST_F(PageWalkTest, WindowShrinksWhenFetchedPagesWaitOnTheConsumer) {
  auto walk = MakeAdaptiveWalk(stub_, context_, 1, 8);
  walk->Start();
  // Grow: the consumer waits four times.
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(walk->Next().kind, PageWalk::Step::kWaiting);
    stub_->AnswerNatural(10'000);
    ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  }
  ASSERT_EQ(walk->stats().window, 8);
  // Then the consumer slows down: whole windows wait for it, and it narrows.
  for (int i = 0; i < 20; ++i) {
    while (stub_->pending_count() > 0) stub_->AnswerNatural(10'000);
    ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  }
  EXPECT_EQ(walk->stats().window, 1);
}

TEST_F(PageWalkTest, SpentBudgetLimitsPrefetchButTheWalkCompletes) {
  // Another walk holds the whole budget: this one fetches only the page its
  // consumer needs, one at a time, and still walks every port.
  auto budget = std::make_shared<StreamBufferBudget>(1'000);
  budget->Acquire(1'000);
  auto walk = MakeAdaptiveWalk(stub_, context_, 4, 8, budget);
  walk->Start();
  std::vector<int> seen;
  PageWalk::Step last;
  for (int round = 0; round < 100; ++round) {
    EXPECT_LE(stub_->pending_count(), 1u);
    while (stub_->pending_count() > 0) stub_->AnswerNatural(95);
    auto got = Drain(*walk, &last);
    seen.insert(seen.end(), got.begin(), got.end());
    if (last.kind == PageWalk::Step::kDone) break;
  }
  ASSERT_EQ(last.kind, PageWalk::Step::kDone);
  EXPECT_TRUE(last.status.ok());
  EXPECT_EQ(seen.size(), 95u);
  EXPECT_GT(walk->stats().budget_refusals, 0);
  EXPECT_EQ(budget->used(), 1'000);  // Only the other walk's bytes are left.
}

TEST_F(PageWalkTest, BudgetIsGivenBackByWalksThatEndAndWalksThatAreCancelled) {
  auto budget = std::make_shared<StreamBufferBudget>(int64_t{64} << 20);
  {
    // A walk that completes.
    auto walk = MakeAdaptiveWalk(stub_, context_, 4, 4, budget);
    walk->Start();
    PageWalk::Step last;
    for (int round = 0; round < 100 && last.kind != PageWalk::Step::kDone; ++round) {
      while (stub_->pending_count() > 0) stub_->AnswerNatural(95);
      Drain(*walk, &last);
    }
    ASSERT_EQ(last.kind, PageWalk::Step::kDone);
    EXPECT_EQ(budget->used(), 0);
  }
  {
    // A walk cancelled with pages buffered and fetches in flight.
    CallContext context;
    auto walk = MakeAdaptiveWalk(stub_, context, 4, 4, budget);
    walk->Start();
    stub_->AnswerNatural(10'000);
    ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
    stub_->AnswerNatural(10'000);
    stub_->AnswerNatural(10'000);
    EXPECT_GT(budget->used(), 0);
    context.cancellation->Cancel();
    while (stub_->pending_count() > 0) stub_->AnswerError(absl::CancelledError("cancelled"));
    EXPECT_EQ(walk->Next().kind, PageWalk::Step::kDone);
    EXPECT_EQ(budget->used(), 0);
  }
}

TEST_F(PageWalkTest, WalksEveryPortOnceInOrder) {
  auto walk = MakeWalk(10, 0);
  walk->Start();
  std::vector<int> seen;
  PageWalk::Step last;
  while (true) {
    while (stub_->pending_count() > 0) stub_->AnswerNatural(95);
    auto got = Drain(*walk, &last);
    seen.insert(seen.end(), got.begin(), got.end());
    if (last.kind == PageWalk::Step::kDone) break;
  }
  EXPECT_TRUE(last.status.ok());
  ASSERT_EQ(seen.size(), 95u);
  for (int i = 0; i < 95; ++i) EXPECT_EQ(seen[i], i);
  // No page at or beyond the total was requested.
  for (int offset : stub_->offsets()) EXPECT_LT(offset, 95);
}

TEST_F(PageWalkTest, PagesArrivingOutOfOrderAreDeliveredInOrder) {
  auto walk = MakeWalk(10, 0);
  walk->Start();
  stub_->AnswerNatural(40);
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  ASSERT_EQ(stub_->pending_count(), 2u);  // offsets 10 and 20
  auto natural = [](const ListPortsRequest& r) {
    PortsPage page;
    page.has_total_num = true;
    page.response.set_total_num(40);
    for (int i = 0; i < 10; ++i) page.response.add_data_list()->set_port(r.offset() + i);
    return page;
  };
  stub_->AnswerWith(1, natural);  // offset 20 first
  EXPECT_EQ(walk->Next().kind, PageWalk::Step::kWaiting);
  stub_->AnswerWith(0, natural);  // then offset 10
  auto ports = Drain(*walk);
  ASSERT_EQ(ports.size(), 20u);
  EXPECT_EQ(ports.front(), 10);
  EXPECT_EQ(ports.back(), 29);
}

TEST_F(PageWalkTest, EmptyHostEndsOkWithoutPages) {
  auto walk = MakeWalk(10, 0);
  walk->Start();
  stub_->AnswerNatural(0);
  PageWalk::Step step = walk->Next();
  EXPECT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_TRUE(step.status.ok());
}

TEST_F(PageWalkTest, ShortPageEndsTheWalkEvenIfTheTotalSaysMore) {
  auto walk = MakeWalk(10, 0);
  walk->Start();
  stub_->AnswerPage(10, 100);
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  stub_->AnswerPage(4, 100);  // The set shrank mid-walk.
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kPage);
  EXPECT_EQ(step.page.ports_size(), 4);
  // Whatever else was in flight is cancelled or ignored; the walk ends OK.
  while (stub_->pending_count() > 0) stub_->AnswerError(absl::CancelledError("x"));
  step = walk->Next();
  EXPECT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_TRUE(step.status.ok());
}

TEST_F(PageWalkTest, GrowingTotalIsFollowed) {
  auto walk = MakeWalk(10, 0, /*prefetch=*/1);
  walk->Start();
  stub_->AnswerPage(10, 20);
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  stub_->AnswerPage(10, 30);  // Ports opened meanwhile.
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  ASSERT_EQ(stub_->pending_count(), 1u);
  stub_->AnswerPage(10, 30);
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kPage);
  EXPECT_EQ(step.page.offset(), 20);
  EXPECT_EQ(walk->Next().kind, PageWalk::Step::kDone);
}

TEST_F(PageWalkTest, RetriesUnavailableOnceThenSucceeds) {
  auto walk = MakeWalk(10, 0);
  walk->Start();
  stub_->AnswerError(absl::UnavailableError("503"));
  EXPECT_EQ(stub_->offsets(), std::vector<int>({0, 0}));
  stub_->AnswerNatural(5);
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kPage);
  EXPECT_EQ(step.page.ports_size(), 5);
  EXPECT_EQ(walk->stats().retries, 1);
}

TEST_F(PageWalkTest, FailedPageEndsWithResumeOffsetAfterEarlierPages) {
  auto walk = MakeWalk(10, 30);
  walk->Start();
  stub_->AnswerNatural(100);
  auto p = walk->Next();
  ASSERT_EQ(p.kind, PageWalk::Step::kPage);
  EXPECT_EQ(p.page.offset(), 30);
  // Page 40 fails twice (retry exhausted); page 50 succeeded meanwhile.
  stub_->AnswerError(absl::UnavailableError("down"));  // 40, attempt 1
  stub_->AnswerNatural(100);                           // 50
  stub_->AnswerError(absl::UnavailableError("down"));  // 40, attempt 2
  PageWalk::Step step = walk->Next();
  while (step.kind == PageWalk::Step::kWaiting && stub_->pending_count() > 0) {
    stub_->AnswerError(absl::CancelledError("cancelled"));
    step = walk->Next();
  }
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kUnavailable);
  auto info = GetErrorInfo(step.status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->metadata().at("resumeOffset"), "40");
}

TEST_F(PageWalkTest, InternalErrorIsNotRetried) {
  auto walk = MakeWalk(10, 0);
  walk->Start();
  stub_->AnswerError(absl::InternalError("500"));
  EXPECT_EQ(stub_->offsets().size(), 1u);
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kInternal);
}

TEST_F(PageWalkTest, UpstreamIgnoringOffsetIsDetected) {
  auto walk = MakeWalk(10, 0, /*prefetch=*/1);
  walk->Start();
  // An upstream that ignores offset answers the first page every time.
  auto first_page = [](const ListPortsRequest&) {
    PortsPage page;
    page.has_total_num = true;
    page.response.set_total_num(1000);
    for (int i = 0; i < 10; ++i) page.response.add_data_list()->set_port(i);
    return page;
  };
  stub_->AnswerWith(0, first_page);
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  stub_->AnswerWith(0, first_page);
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(GetErrorInfo(step.status)->reason(), "UPSTREAM_PAGING_STUCK");
  EXPECT_EQ(GetErrorInfo(step.status)->metadata().at("resumeOffset"), "10");
  EXPECT_EQ(stub_->offsets().size(), 2u);
}

TEST_F(PageWalkTest, CallerCancellationStopsFetching) {
  auto walk = MakeWalk(10, 0);
  walk->Start();
  stub_->AnswerNatural(1000);
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage);
  const size_t requested = stub_->offsets().size();
  context_.cancellation->Cancel();
  while (stub_->pending_count() > 0) stub_->AnswerError(absl::CancelledError("aborted"));
  PageWalk::Step step = walk->Next();
  while (step.kind == PageWalk::Step::kPage) step = walk->Next();
  EXPECT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(stub_->offsets().size(), requested);
}

TEST_F(PageWalkTest, StopsPastTheUpstreamOffsetLimit) {
  PageWalkOptions options;
  options.page_size = 10;
  options.max_offset = 20;
  options.prefetch_initial_pages = options.prefetch_max_pages = 1;
  ListPortsRequest query;
  auto walk = PageWalk::Create(stub_, context_, "p", query, options, [] {});
  walk->Start();
  for (int i = 0; i < 3; ++i) {
    stub_->AnswerNatural(1000);
    ASSERT_EQ(walk->Next().kind, PageWalk::Step::kPage) << i;
  }
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(GetErrorInfo(step.status)->metadata().at("resumeOffset"), "30");
}

// An upstream that returns up to `rows` rows from the requested offset of a
// `total`-port host, whatever `limit` asked for (port numbers are the absolute
// positions): answers the oldest pending call of `stub`.
bool AnswerOldestWith(FakeHssStub& stub, int rows, int total) {
  if (stub.pending() == 0) return false;
  const ListPortsRequest request = stub.request(stub.calls() - stub.pending());
  const int offset = static_cast<int>(request.offset());
  PortsPage page = TestPage(0, total);
  for (int i = offset; i < std::min(total, offset + rows); ++i) {
    page.response.add_data_list()->set_port(i);
  }
  return stub.Answer(std::move(page));
}

// Walks of a FakeHssStub (from server/testing), whose calls ignore cancellation:
// what the walk does is all the test sees.
class PageWalkOnFakeStubTest : public ::testing::Test {
 protected:
  ~PageWalkOnFakeStubTest() override {
    while (stub_->Answer(absl::CancelledError("test ended"))) {
    }
  }

  std::shared_ptr<PageWalk> MakeWalk(int page_size, int prefetch) {
    PageWalkOptions options;
    options.page_size = page_size;
    options.prefetch_initial_pages = options.prefetch_max_pages = prefetch;  // A fixed window.
    ListPortsRequest query;
    query.set_host_id("h");
    return PageWalk::Create(stub_, context_, "p", query, options, [this] { ++notifications_; });
  }

  // Takes the first page of a walk of a 1000-port host, then lets the walk
  // prefetch up to its bound: pages wait buffered, nothing is in flight.
  void BufferPagesWithNothingInFlight(PageWalk& walk) {
    walk.Start();
    ASSERT_TRUE(AnswerOldestWith(*stub_, 10, 1000));
    ASSERT_EQ(walk.Next().kind, PageWalk::Step::kPage);
    while (AnswerOldestWith(*stub_, 10, 1000)) {
    }
    ASSERT_EQ(stub_->pending(), 0u);
  }

  std::shared_ptr<FakeHssStub> stub_ = std::make_shared<FakeHssStub>();
  CallContext context_;
  std::atomic<int> notifications_{0};
};

TEST_F(PageWalkOnFakeStubTest, PagesLongerThanTheLimitAreCutAndTheWalkGoesOn) {
  // HSS answers 250 rows for limit=200: each page keeps its first 200 rows and
  // the next one starts 200 further, so no port is skipped or repeated.
  auto walk = MakeWalk(200, /*prefetch=*/2);
  walk->Start();
  std::vector<int> seen;
  std::vector<int> offsets;
  PageWalk::Step step;
  for (;;) {
    step = walk->Next();
    if (step.kind == PageWalk::Step::kDone) break;
    if (step.kind == PageWalk::Step::kPage) {
      EXPECT_LE(step.page.ports_size(), 200);
      offsets.push_back(static_cast<int>(step.page.offset()));
      for (const auto& port : step.page.ports()) seen.push_back(port.port());
      continue;
    }
    // Waiting: something must be in flight, or the walk would never end.
    ASSERT_TRUE(AnswerOldestWith(*stub_, 250, 950)) << "the walk waits with nothing in flight";
  }
  EXPECT_TRUE(step.status.ok()) << step.status;
  EXPECT_EQ(offsets, std::vector<int>({0, 200, 400, 600, 800}));
  ASSERT_EQ(seen.size(), 950u);
  for (int i = 0; i < 950; ++i) ASSERT_EQ(seen[i], i) << i;
  for (std::size_t i = 0; i < static_cast<std::size_t>(stub_->calls()); ++i) {
    EXPECT_EQ(stub_->request(i).offset() % 200, 0) << i;
  }
}

TEST_F(PageWalkOnFakeStubTest, CancelWithPagesBufferedAndNothingInFlightEndsTheWalk) {
  auto walk = MakeWalk(10, /*prefetch=*/2);
  BufferPagesWithNothingInFlight(*walk);
  const int before = notifications_.load();
  context_.cancellation->Cancel();
  EXPECT_GT(notifications_.load(), before) << "a waiting consumer is never woken";
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kCancelled) << step.status;
  EXPECT_EQ(GetErrorInfo(step.status)->metadata().at("resumeOffset"), "10");
  EXPECT_EQ(stub_->pending(), 0u);
}

TEST_F(PageWalkOnFakeStubTest, CancelOfAWaitingConsumerNotifiesAndEndsOnceFetchesReturn) {
  auto walk = MakeWalk(10, /*prefetch=*/2);
  walk->Start();
  ASSERT_EQ(walk->Next().kind, PageWalk::Step::kWaiting);
  const int before = notifications_.load();
  context_.cancellation->Cancel();
  EXPECT_GT(notifications_.load(), before);
  // Its fetch was cancelled too; the walk is over once the fetch returns.
  EXPECT_TRUE(stub_->context(0).cancellation->cancelled());
  EXPECT_EQ(walk->Next().kind, PageWalk::Step::kWaiting);
  ASSERT_TRUE(AnswerOldestWith(*stub_, 10, 1000));  // Even a late success is dropped.
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kCancelled) << step.status;
  EXPECT_EQ(GetErrorInfo(step.status)->metadata().at("resumeOffset"), "0");
}

TEST_F(PageWalkOnFakeStubTest, CancelAtTheDeadlineWithNothingInFlightIsDeadlineExceeded) {
  // gRPC cancels a call whose deadline passed: the walk reports the deadline.
  context_.deadline = absl::Now() - absl::Seconds(1);
  auto walk = MakeWalk(10, /*prefetch=*/2);
  BufferPagesWithNothingInFlight(*walk);
  const int before = notifications_.load();
  context_.cancellation->Cancel();
  EXPECT_GT(notifications_.load(), before);
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kDeadlineExceeded) << step.status;
  EXPECT_EQ(GetErrorInfo(step.status)->reason(), "DEADLINE_EXCEEDED");
  EXPECT_EQ(GetErrorInfo(step.status)->metadata().at("resumeOffset"), "10");
}

TEST_F(PageWalkOnFakeStubTest, AlreadyCancelledCallEndsAtStartWithoutFetching) {
  context_.cancellation->Cancel();
  auto walk = MakeWalk(10, /*prefetch=*/2);
  walk->Start();
  EXPECT_EQ(stub_->calls(), 0);
  PageWalk::Step step = walk->Next();
  ASSERT_EQ(step.kind, PageWalk::Step::kDone);
  EXPECT_EQ(step.status.code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace hss::gateway
