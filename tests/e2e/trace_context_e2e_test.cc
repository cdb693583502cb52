// End-to-end: W3C trace context from the caller reaches HSS and the call log.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "rapidjson/document.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kCallerSpan[] = "00f067aa0ba902b7";

class TraceContextE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto env = GatewayEnv::Start({.sim_args = {"--hosts=traced:450"}});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = env->release();
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(env_, nullptr);
    env_->ClearSimRequests();
  }

  // The call log lines (JSON objects with "msg":"call") the gateway wrote for host `host_id`,
  // waiting up to 5 s for `count` of them (the log is written asynchronously).
  static std::vector<std::string> CallLines(const std::string& host_id, size_t count) {
    std::vector<std::string> lines;
    const absl::Time until = absl::Now() + absl::Seconds(5);
    do {
      lines.clear();
      for (absl::string_view line : absl::StrSplit(env_->gateway().ReadStderr(), '\n')) {
        if (absl::StrContains(line, "\"msg\":\"call\"") &&
            absl::StrContains(line, absl::StrCat("\"host_id\":\"", host_id, "\""))) {
          lines.emplace_back(line);
        }
      }
      if (lines.size() >= count) break;
      absl::SleepFor(absl::Milliseconds(20));
    } while (absl::Now() < until);
    return lines;
  }

  static std::string Field(const std::string& json_line, const char* name) {
    rapidjson::Document doc;
    doc.Parse(json_line.c_str());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember(name) || !doc[name].IsString()) {
      return "";
    }
    return doc[name].GetString();
  }

  // The traceparent fields: version, trace id, parent id, flags.
  static std::vector<std::string> Split(const std::string& traceparent) {
    return absl::StrSplit(traceparent, '-');
  }

  static GatewayEnv* env_;
};

GatewayEnv* TraceContextE2E::env_ = nullptr;

TEST_F(TraceContextE2E, CallersTraceReachesHssAndTheLog) {
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  context.AddMetadata("traceparent", absl::StrCat("00-", kTraceId, "-", kCallerSpan, "-01"));
  context.AddMetadata("tracestate", "congo=t61rcWkgMzE");
  ListPortsRequest request;
  request.set_host_id("traced");
  request.set_limit(50);
  ListPortsResponse response;
  ASSERT_TRUE(env_->NewStub()->ListPorts(&context, request, &response).ok());

  std::vector<SimRequest> seen = env_->SimRequests();
  ASSERT_EQ(seen.size(), 1u);
  const std::vector<std::string> parent = Split(seen[0].headers["traceparent"]);
  ASSERT_EQ(parent.size(), 4u) << seen[0].headers["traceparent"];
  EXPECT_EQ(parent[0], "00");
  EXPECT_EQ(parent[1], kTraceId);
  EXPECT_NE(parent[2], kCallerSpan);  // HSS's parent is the gateway's span.
  EXPECT_EQ(parent[3], "01");
  EXPECT_EQ(seen[0].headers["tracestate"], "congo=t61rcWkgMzE");

  const std::vector<std::string> lines = CallLines("traced", 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(Field(lines[0], "trace_id"), kTraceId);
  EXPECT_EQ(Field(lines[0], "span_id"), parent[2]);
  EXPECT_EQ(Field(lines[0], "request_id"), seen[0].request_id);
}

TEST_F(TraceContextE2E, CallerWithoutTraceGetsOneForEveryUpstreamRequest) {
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  context.AddMetadata("traceparent", "not-a-traceparent");
  context.AddMetadata("tracestate", "dropped=with-the-bad-parent");
  StreamPortsRequest request;
  request.set_host_id("traced-walk");
  request.set_page_size(100);
  ASSERT_TRUE(
      env_->SimCall("POST", "/_sim/hosts", R"({"host_id":"traced-walk","count":450})").ok());
  auto reader = env_->NewStub()->StreamPorts(&context, request);
  StreamPortsResponse message;
  int pages = 0;
  while (reader->Read(&message)) ++pages;
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(pages, 5);

  std::vector<SimRequest> seen = env_->SimRequests();
  ASSERT_EQ(seen.size(), 5u);
  const std::vector<std::string> first = Split(seen[0].headers["traceparent"]);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[1].size(), 32u);
  EXPECT_NE(first[1], std::string(32, '0'));
  for (SimRequest& r : seen) {
    // Every page of the walk is in the same trace, as a child of the same span.
    EXPECT_EQ(r.headers.count("tracestate"), 0u);
    EXPECT_EQ(Split(r.headers.at("traceparent")), first);
  }
  const std::vector<std::string> lines = CallLines("traced-walk", 1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(Field(lines[0], "trace_id"), first[1]);
  EXPECT_EQ(Field(lines[0], "span_id"), first[2]);
}

}  // namespace
}  // namespace hss::testing
