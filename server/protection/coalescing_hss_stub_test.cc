#include "server/protection/coalescing_hss_stub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "server/protection/upstream_call_key.h"
#include "server/runtime/status_details.h"
#include "server/testing/fake_hss_stub.h"

namespace hss::gateway {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

class CoalescingHssStubTest : public ::testing::Test {
 protected:
  CoalescingHssStubTest() {
    context_.upstream_identity = "token:abc";
    context_.passthrough_token = "secret-token";
  }

  // A context of the same caller with its own cancellation.
  CallContext Caller(absl::Time deadline = absl::InfiniteFuture()) {
    CallContext c = context_;
    c.cancellation = std::make_shared<Cancellation>();
    c.deadline = deadline;
    return c;
  }

  std::shared_ptr<FakeHssStub> inner_ = std::make_shared<FakeHssStub>();
  std::shared_ptr<UpstreamMetrics> metrics_ = std::make_shared<UpstreamMetrics>();
  CoalescingHssStub stub_{inner_, metrics_};
  CallContext context_;
};

TEST_F(CoalescingHssStubTest, FiftyIdenticalCallsShareOneUpstreamCall) {
  std::vector<Outcome> outs;
  for (int i = 0; i < 50; ++i) outs.push_back(StartCall(stub_, Caller(), TestRequest()));
  EXPECT_EQ(inner_->calls(), 1);
  EXPECT_EQ(stub_.flights_in_progress(), 1u);
  ASSERT_TRUE(inner_->Answer(TestPage(7)));
  for (const Outcome& out : outs) {
    ASSERT_TRUE(out->has_value());
    ASSERT_TRUE((*out)->ok());
    EXPECT_EQ((**out)->response.data_list_size(), 7);
  }
  EXPECT_EQ(metrics_->coalesced.load(), 49);
  EXPECT_EQ(stub_.flights_in_progress(), 0u);
  // Once answered, the next identical call goes upstream again.
  Outcome next = StartCall(stub_, Caller(), TestRequest());
  EXPECT_EQ(inner_->calls(), 2);
  ASSERT_TRUE(inner_->Answer(TestPage(1)));
  EXPECT_TRUE(next->has_value());
}

TEST_F(CoalescingHssStubTest, ErrorsAreSharedToo) {
  Outcome a = StartCall(stub_, Caller(), TestRequest());
  Outcome b = StartCall(stub_, Caller(), TestRequest());
  inner_->Answer(HttpError(403));
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ((*b)->status(), (*a)->status());
}

TEST_F(CoalescingHssStubTest, DifferentCallersOrQueriesAreNotMerged) {
  StartCall(stub_, Caller(), TestRequest());
  CallContext other_identity = Caller();
  other_identity.upstream_identity = "token:def";
  StartCall(stub_, other_identity, TestRequest());
  // Same (e.g. colliding) identity, different token: never shares data.
  CallContext other_token = Caller();
  other_token.passthrough_token = "another-secret";
  StartCall(stub_, other_token, TestRequest());
  StartCall(stub_, Caller(), TestRequest("host-2"));
  auto offset = TestRequest();
  offset.set_offset(50);
  StartCall(stub_, Caller(), offset);
  StartCall(stub_, Caller(), TestRequest(), "other-project");
  EXPECT_EQ(inner_->calls(), 6);
  EXPECT_EQ(metrics_->coalesced.load(), 0);
  while (inner_->Answer(TestPage(1))) {
  }
}

TEST_F(CoalescingHssStubTest, FieldsTheUpstreamDoesNotSeeDoNotSplitTheKey) {
  auto a = TestRequest();
  auto b = TestRequest();
  b.set_project_id("ignored: the resolved project is the key");
  b.set_offset(0);  // Default value: not sent either way.
  EXPECT_EQ(UpstreamCallKey(context_, "p", a), UpstreamCallKey(context_, "p", b));
  EXPECT_EQ(UpstreamCallKey(context_, "p", a).find("secret-token"), std::string::npos);
}

TEST_F(CoalescingHssStubTest, AJoinerThatCancelsLeavesAloneAndAtOnce) {
  CallContext first = Caller();
  CallContext second = Caller();
  Outcome a = StartCall(stub_, first, TestRequest());
  Outcome b = StartCall(stub_, second, TestRequest());
  first.cancellation->Cancel();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(b->has_value());
  EXPECT_FALSE(inner_->context(0).cancellation->cancelled());
  inner_->Answer(TestPage(2));
  ASSERT_TRUE(b->has_value());
  EXPECT_TRUE((*b)->ok());
}

TEST_F(CoalescingHssStubTest, TheUpstreamCallIsCancelledWhenEveryJoinerCancelled) {
  CallContext first = Caller();
  CallContext second = Caller();
  Outcome a = StartCall(stub_, first, TestRequest());
  Outcome b = StartCall(stub_, second, TestRequest());
  second.cancellation->Cancel();
  EXPECT_FALSE(inner_->context(0).cancellation->cancelled());
  first.cancellation->Cancel();
  EXPECT_TRUE(inner_->context(0).cancellation->cancelled());
  EXPECT_EQ(stub_.flights_in_progress(), 0u);
  // A new caller does not join the cancelled call.
  Outcome c = StartCall(stub_, Caller(), TestRequest());
  EXPECT_EQ(inner_->calls(), 2);
  inner_->Answer(TransportError(CURLE_ABORTED_BY_CALLBACK));  // The cancelled one ends.
  EXPECT_FALSE(c->has_value());
  inner_->Answer(TestPage(1));
  ASSERT_TRUE(c->has_value());
  EXPECT_TRUE((*c)->ok());
  EXPECT_EQ((*a)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ((*b)->status().code(), absl::StatusCode::kCancelled);
}

TEST_F(CoalescingHssStubTest, AlreadyCancelledCallerNeverStartsAnything) {
  CallContext c = Caller();
  c.cancellation->Cancel();
  Outcome out = StartCall(stub_, c, TestRequest());
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(inner_->calls(), 0);
}

TEST_F(CoalescingHssStubTest, UpstreamCallRunsWithTheFirstCallersDeadline) {
  StartCall(stub_, Caller(kT0 + absl::Seconds(5)), TestRequest());
  StartCall(stub_, Caller(kT0 + absl::Seconds(30)), TestRequest());
  EXPECT_EQ(inner_->context(0).deadline, kT0 + absl::Seconds(5));
  EXPECT_EQ(inner_->context(0).upstream_identity, "token:abc");
  EXPECT_EQ(inner_->context(0).passthrough_token, "secret-token");
  inner_->Answer(TestPage(1));
}

TEST_F(CoalescingHssStubTest, JoinersWithMoreTimeAreReissuedWhenTheCallRanOutOfTime) {
  Outcome short_a = StartCall(stub_, Caller(kT0 + absl::Seconds(5)), TestRequest());
  Outcome same = StartCall(stub_, Caller(kT0 + absl::Seconds(5)), TestRequest());
  Outcome long_b = StartCall(stub_, Caller(kT0 + absl::Seconds(30)), TestRequest());
  Outcome long_c = StartCall(stub_, Caller(kT0 + absl::Seconds(40)), TestRequest());
  inner_->Answer(TransportError(CURLE_OPERATION_TIMEDOUT, /*timeout_is_caller_deadline=*/true));
  EXPECT_EQ((*short_a)->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ((*same)->status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_FALSE(long_b->has_value());
  EXPECT_FALSE(long_c->has_value());
  // The two re-issued callers share one new call, with the earlier of their deadlines.
  ASSERT_EQ(inner_->calls(), 2);
  EXPECT_EQ(inner_->context(1).deadline, kT0 + absl::Seconds(30));
  inner_->Answer(TestPage(3));
  EXPECT_TRUE((*long_b)->ok());
  EXPECT_TRUE((*long_c)->ok());
}

TEST_F(CoalescingHssStubTest, StubMayDieWhileACallIsInFlight) {
  auto inner = std::make_shared<FakeHssStub>();
  auto stub = std::make_unique<CoalescingHssStub>(inner, metrics_);
  Outcome a = StartCall(*stub, Caller(), TestRequest());
  Outcome b = StartCall(*stub, Caller(), TestRequest());
  stub.reset();
  inner->Answer(TestPage(1));
  EXPECT_TRUE((*a)->ok());
  EXPECT_TRUE((*b)->ok());
}

}  // namespace
}  // namespace hss::gateway
