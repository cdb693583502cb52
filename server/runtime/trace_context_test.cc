#include "server/runtime/trace_context.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace hss::gateway {
namespace {

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kParent[] = "00f067aa0ba902b7";

bool IsHexId(const std::string& id, size_t size) {
  return id.size() == size && id.find_first_not_of("0123456789abcdef") == std::string::npos &&
         id.find_first_not_of('0') != std::string::npos;
}

TEST(TraceContext, ValidTraceparentIsJoinedInANewSpan) {
  const TraceContext trace = JoinOrStartTrace(
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE");
  EXPECT_EQ(trace.trace_id, kTraceId);
  EXPECT_EQ(trace.parent_span_id, kParent);
  EXPECT_TRUE(IsHexId(trace.span_id, 16)) << trace.span_id;
  EXPECT_NE(trace.span_id, kParent);
  EXPECT_EQ(trace.flags, "01");
  EXPECT_EQ(trace.tracestate, "congo=t61rcWkgMzE");
  EXPECT_EQ(trace.Traceparent(), "00-" + std::string(kTraceId) + "-" + trace.span_id + "-01");
}

TEST(TraceContext, FutureVersionsAreReadAsVersionZero) {
  const TraceContext trace =
      JoinOrStartTrace("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-is-this", "");
  EXPECT_EQ(trace.trace_id, kTraceId);
  EXPECT_EQ(trace.parent_span_id, kParent);
  EXPECT_TRUE(absl::StartsWith(trace.Traceparent(), "00-"));
}

TEST(TraceContext, MissingOrInvalidTraceparentStartsANewTrace) {
  for (const char* bad : {
           "", "garbage",
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // Forbidden version.
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // Zero trace id.
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // Zero parent.
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // Upper case.
           "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",     // Short trace id.
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // Extra field in 00.
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",     // Short flags.
       }) {
    const TraceContext trace = JoinOrStartTrace(bad, "congo=t61rcWkgMzE");
    EXPECT_TRUE(IsHexId(trace.trace_id, 32)) << bad;
    EXPECT_NE(trace.trace_id, kTraceId) << bad;
    EXPECT_TRUE(IsHexId(trace.span_id, 16)) << bad;
    EXPECT_EQ(trace.parent_span_id, "") << bad;
    EXPECT_EQ(trace.flags, "00") << bad;
    EXPECT_EQ(trace.tracestate, "") << bad;  // Dropped with the invalid parent.
  }
}

TEST(TraceContext, UnforwardableTracestateIsDropped) {
  const std::string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  EXPECT_EQ(JoinOrStartTrace(parent, std::string(513, 'a')).tracestate, "");
  EXPECT_EQ(JoinOrStartTrace(parent, "a=b\r\nX-Evil: 1").tracestate, "");
  EXPECT_EQ(JoinOrStartTrace(parent, std::string(512, 'a')).tracestate, std::string(512, 'a'));
}

TEST(TraceContext, NewIdsDiffer) {
  std::set<std::string> traces;
  std::set<std::string> spans;
  for (int i = 0; i < 100; ++i) {
    const TraceContext trace = JoinOrStartTrace("", "");
    traces.insert(trace.trace_id);
    spans.insert(trace.span_id);
  }
  EXPECT_EQ(traces.size(), 100u);
  EXPECT_EQ(spans.size(), 100u);
}

}  // namespace
}  // namespace hss::gateway
