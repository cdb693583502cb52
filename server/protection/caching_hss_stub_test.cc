#include "server/protection/caching_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/testing/fake_hss_stub.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

class CachingHssStubTest : public ::testing::Test {
 protected:
  CachingHssStubTest() {
    PageCacheOptions options;
    options.enabled = true;
    options.ttl = absl::Seconds(30);
    stub_ = std::make_unique<CachingHssStub>(inner_, options, scheduler_, metrics_);
    context_.upstream_identity = "token:abc";
    context_.passthrough_token = "tok-1";
  }

  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<FakeScheduler> scheduler_ = std::make_shared<FakeScheduler>();
  std::shared_ptr<UpstreamMetrics> metrics_ = std::make_shared<UpstreamMetrics>();
  std::unique_ptr<CachingHssStub> stub_;
  CallContext context_;
};

TEST_F(CachingHssStubTest, SecondCallIsServedFromTheCacheAtOnce) {
  inner_->Script(TestPage(5));
  Outcome first = StartCall(*stub_, context_, TestRequest());
  ASSERT_TRUE((*first)->ok());
  Outcome second = StartCall(*stub_, context_, TestRequest());
  ASSERT_TRUE(second->has_value());
  ASSERT_TRUE((*second)->ok());
  EXPECT_EQ((**second)->response.data_list_size(), 5);
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(metrics_->cache_misses.load(), 1);
  EXPECT_EQ(metrics_->cache_hits.load(), 1);
  EXPECT_EQ(metrics_->cache_entries.load(), 1);
  EXPECT_GT(metrics_->cache_bytes.load(), 0);
}

TEST_F(CachingHssStubTest, ExpiredPagesAreFetchedAgain) {
  inner_->Script(TestPage(5), 2);
  StartCall(*stub_, context_, TestRequest());
  scheduler_->AdvanceBy(absl::Seconds(30));
  StartCall(*stub_, context_, TestRequest());
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(CachingHssStubTest, APageSharedByAnotherReplicaIsKeptOnlyForTheRestOfItsTtl) {
  PortsPage shared = TestPage(5);
  shared.age = absl::Seconds(20);  // fetched by another replica 20 s ago
  inner_->Script(shared);
  inner_->Script(TestPage(5));
  StartCall(*stub_, context_, TestRequest());
  scheduler_->AdvanceBy(absl::Seconds(9));
  StartCall(*stub_, context_, TestRequest());
  EXPECT_EQ(inner_->calls(), 1);
  scheduler_->AdvanceBy(absl::Seconds(1));
  StartCall(*stub_, context_, TestRequest());
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(CachingHssStubTest, FailuresAreNotCached) {
  inner_->Script(HttpError(503));
  inner_->Script(TestPage(1));
  Outcome failed = StartCall(*stub_, context_, TestRequest());
  EXPECT_EQ((*failed)->status().code(), absl::StatusCode::kUnavailable);
  Outcome ok = StartCall(*stub_, context_, TestRequest());
  EXPECT_TRUE((*ok)->ok());
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(CachingHssStubTest, OneCallersPageNeverServesAnother) {
  inner_->Script(TestPage(5), 3);
  StartCall(*stub_, context_, TestRequest());
  CallContext other_token = context_;
  other_token.passthrough_token = "tok-2";  // Same identity string, other token.
  StartCall(*stub_, other_token, TestRequest());
  CallContext other_identity = context_;
  other_identity.upstream_identity = "ak:AKX";
  other_identity.passthrough_token.clear();
  StartCall(*stub_, other_identity, TestRequest());
  EXPECT_EQ(inner_->calls(), 3);
  EXPECT_EQ(metrics_->cache_hits.load(), 0);
}

TEST_F(CachingHssStubTest, DifferentQueriesAreDifferentEntries) {
  inner_->Script(TestPage(5), 2);
  StartCall(*stub_, context_, TestRequest());
  auto next_page = TestRequest();
  next_page.set_offset(50);
  StartCall(*stub_, context_, next_page);
  EXPECT_EQ(inner_->calls(), 2);
}

TEST_F(CachingHssStubTest, BypassSkipsTheLookupButRefreshesTheCache) {
  inner_->Script(TestPage(5));
  inner_->Script(TestPage(6));
  StartCall(*stub_, context_, TestRequest());
  CallContext bypass = context_;
  bypass.bypass_cache = true;
  Outcome fresh = StartCall(*stub_, bypass, TestRequest());
  EXPECT_EQ((**fresh)->response.data_list_size(), 6);
  EXPECT_EQ(inner_->calls(), 2);
  EXPECT_EQ(metrics_->cache_bypasses.load(), 1);
  Outcome cached = StartCall(*stub_, context_, TestRequest());
  EXPECT_EQ((**cached)->response.data_list_size(), 6);
  EXPECT_EQ(inner_->calls(), 2);
}

}  // namespace
}  // namespace hss::gateway
