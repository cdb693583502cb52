// End-to-end fault matrix: every upstream failure the simulator can inject, on
// ListPorts, on the first, a middle and the last page of a StreamPorts walk,
// and on WatchPorts' first poll and a later one. Each case checks what a
// caller relies on: the gRPC code, ErrorInfo.reason and details; for a stream,
// that the ports delivered before the error plus a walk resumed from
// `resumeOffset` are the full walk, every port exactly once; for a watch, that
// failing polls send nothing (no change, no removal) until the watch ends with
// the mapped status.
//
// The cases' table is checked against the README's error table: every case
// names the README row it exercises, and every README row is exercised here or
// names the test that does.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"
#include "tests/e2e/test_certificates.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;
using hss::ports::v1::WatchPortsRequest;
using hss::ports::v1::WatchPortsResponse;

// The walked host: 950 ports, pages of 200 at offsets 0..800 (the last one short).
constexpr char kHost[] = "fault-host";
constexpr int kHostPorts = 950;
constexpr int kPageSize = 200;
constexpr int kMiddleOffset = 400;
constexpr int kLastOffset = 800;
// The gateway's --upstream_timeout in this suite, and a latency beyond it.
constexpr char kUpstreamTimeoutFlag[] = "--upstream_timeout=1s";
constexpr int kSlowerThanUpstreamTimeoutMs = 2500;
// The gateway's --max_response_bytes in this suite (1 MiB; the oversized body
// is 1.25 MiB): small enough that even a loaded sanitizer build receives it
// well within the upstream timeout.
constexpr char kMaxResponseBytesFlag[] = "--max_response_bytes=1048576";
// Watches poll every second and end after 2 s of failed polls.
const std::vector<std::string> kWatchFlags = {"--watch_min_interval=1s",
                                              "--watch_default_interval=1s",
                                              "--watch_max_failure=2s", "--watch_heartbeat=1h"};

// One injected upstream failure and what callers must see.
struct FaultCase {
  // GoogleTest name suffix.
  std::string name;
  // The fault rule's effect fields (JSON members, without braces or `match`).
  std::string effect;
  // First cell of the README error-table row this case exercises.
  std::string readme_row;
  // The gRPC code and ErrorInfo.reason callers get ("" = not checked).
  grpc::StatusCode code;
  std::string reason;
  // RetryInfo.retry_delay in seconds, when one must be present.
  std::optional<int> retry_delay_seconds;
  // ErrorInfo metadata `upstreamErrorCode`, when the upstream body carries one.
  std::string upstream_error_code;
  // The caller's deadline (shorter than the upstream timeout for deadline cases).
  absl::Duration caller_timeout = absl::Seconds(20);
};

std::ostream& operator<<(std::ostream& os, const FaultCase& c) { return os << c.name; }

const std::vector<FaultCase>& Cases() {
  static const auto* cases = new std::vector<FaultCase>{
      {"Status400", R"("status":400,"error_code":"HSS.0001")", "400, and any other 4xx not listed",
       grpc::INVALID_ARGUMENT, "UPSTREAM_INVALID_ARGUMENT", std::nullopt, "HSS.0001"},
      {"Status418", R"("status":418,"error_code":"HSS.0418")", "400, and any other 4xx not listed",
       grpc::INVALID_ARGUMENT, "UPSTREAM_INVALID_ARGUMENT", std::nullopt, "HSS.0418"},
      {"Status401", R"("status":401,"error_code":"APIG.0301")", "401", grpc::UNAUTHENTICATED,
       "UPSTREAM_UNAUTHENTICATED", std::nullopt, "APIG.0301"},
      {"Status401TokenExpired", R"("status":401,"error_code":"APIG.0307")", "401",
       grpc::UNAUTHENTICATED, "UPSTREAM_TOKEN_EXPIRED", std::nullopt, "APIG.0307"},
      {"Status403", R"("status":403,"error_code":"HSS.0013")", "403", grpc::PERMISSION_DENIED,
       "UPSTREAM_PERMISSION_DENIED", std::nullopt, "HSS.0013"},
      // The documented error body shapes other than {"error_code","error_msg"}.
      {"Status403ErrorObject", R"("status":403,"error_code":"HSS.0013","body_shape":"error_obj")",
       "403", grpc::PERMISSION_DENIED, "UPSTREAM_PERMISSION_DENIED", std::nullopt, "HSS.0013"},
      // `error.title` is a human title ("Unauthorized"), not a code: no upstreamErrorCode.
      {"Status403ErrorTitle", R"("status":403,"error_code":"HSS.0013","body_shape":"error_title")",
       "403", grpc::PERMISSION_DENIED, "UPSTREAM_PERMISSION_DENIED"},
      {"Status403CamelCase", R"("status":403,"error_code":"HSS.0013","body_shape":"errorCode")",
       "403", grpc::PERMISSION_DENIED, "UPSTREAM_PERMISSION_DENIED", std::nullopt, "HSS.0013"},
      {"Status403PlainText", R"("status":403,"raw_body":"forbidden","content_type":"text/plain")",
       "403", grpc::PERMISSION_DENIED, "UPSTREAM_PERMISSION_DENIED"},
      {"Status404", R"("status":404,"error_code":"HSS.0404")", "404", grpc::NOT_FOUND,
       "UPSTREAM_NOT_FOUND", std::nullopt, "HSS.0404"},
      {"Status404ApiNotFound", R"("status":404,"error_code":"APIG.0101")",
       "404 with `APIG.0101` (API does not exist: wrong endpoint)", grpc::INTERNAL,
       "UPSTREAM_API_NOT_FOUND", std::nullopt, "APIG.0101"},
      {"Status408", R"("status":408)", "408", grpc::UNAVAILABLE, "UPSTREAM_TIMEOUT"},
      {"Status409", R"("status":409)", "409", grpc::ABORTED, "UPSTREAM_CONFLICT"},
      {"Status412", R"("status":412)", "412", grpc::FAILED_PRECONDITION,
       "UPSTREAM_FAILED_PRECONDITION"},
      {"Status413", R"("status":413)", "413, 414 (and 431, 494)", grpc::INVALID_ARGUMENT,
       "UPSTREAM_REQUEST_TOO_LARGE"},
      {"Status431", R"("status":431)", "413, 414 (and 431, 494)", grpc::INVALID_ARGUMENT,
       "UPSTREAM_REQUEST_TOO_LARGE"},
      {"Status429RetryAfter", R"("status":429,"error_code":"APIG.0308","retry_after":"3")", "429",
       grpc::RESOURCE_EXHAUSTED, "UPSTREAM_THROTTLED", 3, "APIG.0308"},
      {"Status429NoRetryAfter", R"("status":429,"error_code":"APIG.0308")", "429",
       grpc::RESOURCE_EXHAUSTED, "UPSTREAM_THROTTLED", std::nullopt, "APIG.0308"},
      {"Status500", R"("status":500,"error_code":"HSS.0041")", "500, and any other 5xx not listed",
       grpc::INTERNAL, "UPSTREAM_INTERNAL_ERROR", std::nullopt, "HSS.0041"},
      {"Status507", R"("status":507)", "500, and any other 5xx not listed", grpc::INTERNAL,
       "UPSTREAM_INTERNAL_ERROR"},
      {"Status501", R"("status":501)", "501", grpc::UNIMPLEMENTED, "UPSTREAM_NOT_IMPLEMENTED"},
      {"Status502",
       R"("status":502,"raw_body":"<html>bad gateway</html>","content_type":"text/html")",
       "502, 503", grpc::UNAVAILABLE, "UPSTREAM_UNAVAILABLE"},
      {"Status503", R"("status":503,"error_code":"HSS.0503")", "502, 503", grpc::UNAVAILABLE,
       "UPSTREAM_UNAVAILABLE", std::nullopt, "HSS.0503"},
      {"Status504", R"("status":504)", "504", grpc::UNAVAILABLE, "UPSTREAM_TIMEOUT"},
      {"Status302", R"("status":302)", "1xx/3xx (unexpected)", grpc::INTERNAL,
       "UPSTREAM_UNEXPECTED_STATUS"},
      {"MalformedJson", R"("malformed_body":true)", "200 whose body is not a JSON object",
       grpc::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE"},
      {"JsonArrayBody", R"("status":200,"raw_body":"[1,2,3]")",
       "200 whose body is not a JSON object", grpc::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE"},
      {"EmptyBody", R"("status":200,"raw_body":"")", "200 whose body is not a JSON object",
       grpc::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE"},
      {"HtmlBody", R"("status":200,"raw_body":"<html>login</html>","content_type":"text/html")",
       "200 whose body is not a JSON object", grpc::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE"},
      {"DeeplyNestedJson", R"("nested_depth":100000)", "200 whose body is not a JSON object",
       grpc::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE"},
      {"ConnectionReset", R"("reset_connection":true)", "connection reset", grpc::UNAVAILABLE,
       "UPSTREAM_CONNECTION_RESET"},
      {"EmptyReply", R"("drop_connection":true)", "empty reply", grpc::UNAVAILABLE,
       "UPSTREAM_EMPTY_REPLY"},
      {"TruncatedBody", R"("truncate_body":true)", "partial body", grpc::UNAVAILABLE,
       "UPSTREAM_TRUNCATED_RESPONSE"},
      {"OversizedBody", R"("oversized_body_bytes":1310720)",
       "body larger than `--max_response_bytes`", grpc::RESOURCE_EXHAUSTED,
       "UPSTREAM_RESPONSE_TOO_LARGE"},
      {"HeadersLaterThanUpstreamTimeout",
       absl::StrCat(R"("latency_ms":)", kSlowerThanUpstreamTimeoutMs),
       "timeout, the gateway's `--upstream_timeout` was the limit", grpc::UNAVAILABLE,
       "UPSTREAM_TIMEOUT"},
      // The caller's own deadline may fire before the gateway's answer arrives,
      // so only the code is certain.
      {"HeadersLaterThanCallerDeadline",
       absl::StrCat(R"("latency_ms":)", kSlowerThanUpstreamTimeoutMs),
       "timeout, the caller's deadline was the limit", grpc::DEADLINE_EXCEEDED, "", std::nullopt,
       "", absl::Milliseconds(700)},
  };
  return *cases;
}

// README rows exercised by the other tests of this file, or elsewhere.
const std::map<std::string, std::string>& RowsCoveredElsewhere() {
  static const auto* rows = new std::map<std::string, std::string>{
      {"connection refused", "FaultMatrixUnreachable.ConnectionRefused"},
      {"DNS failure", "FaultMatrixUnreachable.NameThatDoesNotResolve"},
      {"TLS handshake failure", "FaultMatrixUnreachable.TlsToAPlainHttpUpstream"},
      {"certificate verification / CA set-up",
       "FaultMatrixTlsUpstream.UpstreamCertificateFromAnUntrustedCa"},
      {"the caller cancelled", "StreamPortsE2E.CancelAfterFirstMessageStopsUpstreamRequests"},
      {"the gateway drains (SIGTERM) and `--drain_timeout` ended a stream",
       "DrainE2E (drain_e2e_test.cc)"},
  };
  return *rows;
}

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i <= 16 ? kNames[i] : absl::StrCat("code ", i);
}

// The README's "Error mapping" table: first cell → the other cells.
std::map<std::string, std::vector<std::string>> ReadmeErrorTable() {
  std::ifstream in(HSS_README_PATH);
  std::map<std::string, std::vector<std::string>> rows;
  std::string line;
  bool in_section = false, in_table = false;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "### ")) in_section = line == "### Error mapping";
    if (!in_section) continue;
    if (!absl::StartsWith(line, "|")) {
      if (in_table) break;
      continue;
    }
    in_table = true;
    std::vector<std::string> cells;
    for (absl::string_view cell : absl::StrSplit(line, '|')) {
      cells.emplace_back(absl::StripAsciiWhitespace(cell));
    }
    // "| a | b | c |" splits into "", a, b, c, "".
    if (cells.size() < 5 || cells[1] == "upstream answer" || absl::StartsWith(cells[1], "---")) {
      continue;
    }
    rows[cells[1]] = {cells[2], cells[3]};
  }
  return rows;
}

std::string Serialized(const hss::ports::v1::Port& port) {
  std::string out;
  port.SerializeToString(&out);
  return out;
}

// The outcome of one WatchPorts call that the upstream's faults end.
struct WatchOutcome {
  // Messages before the first `synced` one, and after it.
  int snapshot_messages = 0;
  int later_messages = 0;
  // Ports held after the first `synced` message (-1: none came).
  int synced_ports = -1;
  grpc::Status status;
};

// The outcome of one StreamPorts call.
struct Walk {
  std::vector<std::string> ports;
  grpc::Status status;
  // The first offset not delivered: `resumeOffset`, else start + delivered.
  int resume_offset = 0;
  bool has_resume_offset = false;
};

class FaultMatrixE2E : public ::testing::TestWithParam<FaultCase> {
 protected:
  static void SetUpTestSuite() {
    // One attempt per page, no breaker: each case sees exactly the fault's answer.
    std::vector<std::string> args = {"--retry_max_attempts=1", "--breaker_failure_threshold=0",
                                     kUpstreamTimeoutFlag, kMaxResponseBytesFlag};
    args.insert(args.end(), kWatchFlags.begin(), kWatchFlags.end());
    auto env = GatewayEnv::Start(
        {.sim_args = {absl::StrCat("--hosts=", kHost, ":", kHostPorts)}, .gateway_args = args});
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
  void TearDown() override {
    if (env_ != nullptr) env_->ClearFaults();
  }

  // Adds GetParam()'s fault for the requests of kHost at `offset` (any offset if unset).
  static void InjectAt(std::optional<int> offset) {
    const std::string match =
        offset ? absl::StrCat(R"({"host_id":")", kHost, R"(","offset":)", *offset, "}")
               : absl::StrCat(R"({"host_id":")", kHost, R"("})");
    env_->AddFault(absl::StrCat(R"({"match":)", match, ",", GetParam().effect, "}"));
  }

  static Walk StreamFrom(int start_offset, absl::Duration timeout) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, timeout);
    StreamPortsRequest request;
    request.set_host_id(kHost);
    request.set_page_size(kPageSize);
    request.set_start_offset(start_offset);
    auto stub = env_->NewStub();
    auto reader = stub->StreamPorts(&context, request);
    Walk walk;
    StreamPortsResponse page;
    while (reader->Read(&page)) {
      for (const auto& port : page.ports()) walk.ports.push_back(Serialized(port));
    }
    walk.status = reader->Finish();
    walk.resume_offset = start_offset + static_cast<int>(walk.ports.size());
    if (auto info = Decode(walk.status).error_info) {
      auto it = info->metadata().find("resumeOffset");
      if (it != info->metadata().end()) {
        walk.has_resume_offset = absl::SimpleAtoi(it->second, &walk.resume_offset);
      }
    }
    return walk;
  }

  // Watches kHost until the watch ends. With `fault_offset_after_sync`, the
  // fault is injected (at that page offset, for every later poll) once the
  // first poll is synced; otherwise it is in place before the watch starts.
  static WatchOutcome WatchUntilEnd(absl::Duration timeout,
                                    std::optional<int> fault_offset_after_sync) {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, timeout);
    WatchPortsRequest request;
    request.set_host_id(kHost);
    auto stub = env_->NewStub();
    auto reader = stub->WatchPorts(&context, request);
    WatchOutcome outcome;
    WatchPortsResponse m;
    while (reader->Read(&m)) {
      if (outcome.synced_ports >= 0) {
        ++outcome.later_messages;
        continue;
      }
      ++outcome.snapshot_messages;
      if (m.synced()) {
        outcome.synced_ports = m.total_num();
        if (fault_offset_after_sync) InjectAt(*fault_offset_after_sync);
      }
    }
    outcome.status = reader->Finish();
    return outcome;
  }

  // Checks `status` against GetParam() ("where" names the call in messages).
  static void ExpectMapped(const grpc::Status& status, const std::string& where) {
    const FaultCase& c = GetParam();
    SCOPED_TRACE(where);
    ASSERT_EQ(status.error_code(), c.code)
        << CodeName(status.error_code()) << ": " << status.error_message();
    EXPECT_FALSE(status.error_message().empty());
    if (c.reason.empty()) return;
    const DecodedError details = Decode(status);
    ASSERT_TRUE(details.has_details) << status.error_message();
    EXPECT_EQ(details.code, static_cast<int>(c.code));
    ASSERT_TRUE(details.error_info.has_value());
    EXPECT_EQ(details.error_info->reason(), c.reason) << status.error_message();
    EXPECT_EQ(details.error_info->domain(), "hss-gateway.hss.ports.v1");
    if (!c.upstream_error_code.empty()) {
      const auto& meta = details.error_info->metadata();
      auto it = meta.find("upstreamErrorCode");
      ASSERT_NE(it, meta.end()) << status.error_message();
      EXPECT_EQ(it->second, c.upstream_error_code);
      EXPECT_TRUE(absl::StrContains(status.error_message(), c.upstream_error_code))
          << status.error_message();
    }
    if (c.retry_delay_seconds) {
      ASSERT_TRUE(details.retry_info.has_value()) << status.error_message();
      EXPECT_EQ(details.retry_info->retry_delay().seconds(), *c.retry_delay_seconds);
    }
  }

  static GatewayEnv* env_;
};

GatewayEnv* FaultMatrixE2E::env_ = nullptr;

TEST_P(FaultMatrixE2E, ListPortsMapsTheFault) {
  InjectAt(std::nullopt);
  grpc::ClientContext context;
  GatewayEnv::Prepare(context, GetParam().caller_timeout);
  ListPortsRequest request;
  request.set_host_id(kHost);
  ListPortsResponse response;
  const grpc::Status status = env_->NewStub()->ListPorts(&context, request, &response);
  ExpectMapped(status, "ListPorts");
  EXPECT_EQ(response.data_list_size(), 0);
}

TEST_P(FaultMatrixE2E, StreamPortsMapsTheFaultAndResumesWithEveryPortOnce) {
  const Walk full = StreamFrom(0, absl::Seconds(20));
  ASSERT_TRUE(full.status.ok()) << full.status.error_message();
  ASSERT_EQ(full.ports.size(), static_cast<size_t>(kHostPorts));

  for (const auto& [where, offset] : std::vector<std::pair<std::string, int>>{
           {"first page", 0}, {"middle page", kMiddleOffset}, {"last page", kLastOffset}}) {
    SCOPED_TRACE(where);
    env_->ClearFaults();
    InjectAt(offset);
    const Walk failed = StreamFrom(0, GetParam().caller_timeout);
    ExpectMapped(failed.status, absl::StrCat("StreamPorts, fault on the ", where));
    if (!GetParam().reason.empty()) {
      EXPECT_TRUE(failed.has_resume_offset) << failed.status.error_message();
    }
    // Everything before the failed page may have been delivered, nothing after it.
    EXPECT_LE(failed.resume_offset, offset);
    EXPECT_EQ(failed.resume_offset, static_cast<int>(failed.ports.size()));

    env_->ClearFaults();
    const Walk resumed = StreamFrom(failed.resume_offset, absl::Seconds(20));
    ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
    std::vector<std::string> joined = failed.ports;
    joined.insert(joined.end(), resumed.ports.begin(), resumed.ports.end());
    EXPECT_TRUE(joined == full.ports)
        << "delivered " << failed.ports.size() << " + resumed " << resumed.ports.size()
        << " ports from " << failed.resume_offset << " differ from the full walk";
  }
}

TEST_P(FaultMatrixE2E, WatchPortsKeepsStateThroughFailedPollsThenEndsWithTheFault) {
  {
    SCOPED_TRACE("fault on the first page of the first poll");
    InjectAt(0);
    const WatchOutcome first = WatchUntilEnd(GetParam().caller_timeout, std::nullopt);
    ExpectMapped(first.status, "WatchPorts, first poll");
    EXPECT_EQ(first.snapshot_messages, 0) << "a snapshot was sent from a failed poll";
  }
  // A deadline shorter than one poll ends the watch before any later poll.
  if (GetParam().caller_timeout < absl::Seconds(5)) return;
  {
    SCOPED_TRACE("fault on a middle page of every poll after the first");
    env_->ClearFaults();
    // A watcher holds one port per identity (type, laddr, port, container_id).
    const Walk full = StreamFrom(0, absl::Seconds(20));
    ASSERT_TRUE(full.status.ok()) << full.status.error_message();
    std::set<std::tuple<int, std::string, int, std::string>> identities;
    for (const std::string& bytes : full.ports) {
      hss::ports::v1::Port port;
      ASSERT_TRUE(port.ParseFromString(bytes));
      identities.emplace(port.type(), port.laddr(), port.port(), port.container_id());
    }
    const WatchOutcome later = WatchUntilEnd(GetParam().caller_timeout, kMiddleOffset);
    EXPECT_EQ(later.synced_ports, static_cast<int>(identities.size()));
    // Failed polls keep the watcher's state: no change, no removal, no reset.
    EXPECT_EQ(later.later_messages, 0);
    ExpectMapped(later.status, "WatchPorts, later poll");
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultMatrixE2E, ::testing::ValuesIn(Cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(FaultMatrixReadme, EveryCaseIsTheReadmeRow) {
  const auto table = ReadmeErrorTable();
  ASSERT_GE(table.size(), 20u) << "README error table not found at " << HSS_README_PATH;
  for (const FaultCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto row = table.find(c.readme_row);
    ASSERT_NE(row, table.end()) << "no README error-table row \"" << c.readme_row << "\"";
    EXPECT_TRUE(absl::StartsWith(row->second[0], CodeName(c.code)))
        << "README says " << row->second[0] << ", the gateway answers " << CodeName(c.code);
    if (!c.reason.empty()) {
      EXPECT_TRUE(absl::StrContains(row->second[1], c.reason))
          << "README says " << row->second[1] << ", the gateway answers " << c.reason;
    }
    if (c.retry_delay_seconds) {
      EXPECT_TRUE(absl::StrContains(row->second[0], "RetryInfo"));
    }
  }
}

TEST(FaultMatrixReadme, EveryReadmeRowIsExercised) {
  std::set<std::string> exercised;
  for (const FaultCase& c : Cases()) exercised.insert(c.readme_row);
  for (const auto& [row, test] : RowsCoveredElsewhere()) exercised.insert(row);
  for (const auto& [row, cells] : ReadmeErrorTable()) {
    EXPECT_TRUE(exercised.count(row)) << "README error row \"" << row << "\" has no test";
  }
}

// Upstreams that cannot be reached at all: every call and every walk fails
// the same way, and a walk's resumeOffset is its start.
class FaultMatrixUnreachable : public ::testing::Test {
 protected:
  static void ExpectEveryCallFails(const std::string& endpoint, grpc::StatusCode code,
                                   const std::string& reason,
                                   std::vector<std::string> extra_args = {}) {
    std::vector<std::string> args = {"--retry_max_attempts=1", "--breaker_failure_threshold=0",
                                     "--connect_timeout=2s"};
    args.insert(args.end(), kWatchFlags.begin(), kWatchFlags.end());
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto env = GatewayEnv::Start({.gateway_args = args, .endpoint_override = endpoint});
    ASSERT_TRUE(env.ok()) << env.status();
    {
      grpc::ClientContext context;
      GatewayEnv::Prepare(context);
      ListPortsRequest request;
      request.set_host_id(kHost);
      ListPortsResponse response;
      const grpc::Status status = (*env)->NewStub()->ListPorts(&context, request, &response);
      EXPECT_EQ(status.error_code(), code) << status.error_message();
      auto info = Decode(status).error_info;
      ASSERT_TRUE(info.has_value()) << status.error_message();
      EXPECT_EQ(info->reason(), reason) << status.error_message();
    }
    {
      grpc::ClientContext context;
      GatewayEnv::Prepare(context);
      StreamPortsRequest request;
      request.set_host_id(kHost);
      request.set_start_offset(600);
      auto stub = (*env)->NewStub();
      auto reader = stub->StreamPorts(&context, request);
      StreamPortsResponse page;
      EXPECT_FALSE(reader->Read(&page));
      const grpc::Status status = reader->Finish();
      EXPECT_EQ(status.error_code(), code) << status.error_message();
      auto info = Decode(status).error_info;
      ASSERT_TRUE(info.has_value()) << status.error_message();
      EXPECT_EQ(info->reason(), reason);
      EXPECT_EQ(info->metadata().at("resumeOffset"), "600");
    }
    {
      // Unreachable is transient: the first poll is retried until
      // --watch_max_failure, then the watch ends with the same status.
      grpc::ClientContext context;
      GatewayEnv::Prepare(context);
      WatchPortsRequest request;
      request.set_host_id(kHost);
      auto stub = (*env)->NewStub();
      auto reader = stub->WatchPorts(&context, request);
      WatchPortsResponse m;
      EXPECT_FALSE(reader->Read(&m));
      const grpc::Status status = reader->Finish();
      EXPECT_EQ(status.error_code(), code) << status.error_message();
      auto info = Decode(status).error_info;
      ASSERT_TRUE(info.has_value()) << status.error_message();
      EXPECT_EQ(info->reason(), reason);
    }
  }
};

TEST_F(FaultMatrixUnreachable, ConnectionRefused) {
  // Port 1 (tcpmux): nothing listens there on a test machine.
  ExpectEveryCallFails("http://127.0.0.1:1", grpc::UNAVAILABLE, "UPSTREAM_UNREACHABLE");
}

TEST_F(FaultMatrixUnreachable, NameThatDoesNotResolve) {
  // .invalid never resolves (RFC 2606).
  ExpectEveryCallFails("http://hss.does-not-exist.invalid", grpc::UNAVAILABLE,
                       "UPSTREAM_DNS_FAILURE");
}

TEST_F(FaultMatrixUnreachable, TlsToAPlainHttpUpstream) {
  // The simulator speaks plain HTTP; the gateway is told to speak TLS to it.
  auto plain = GatewayEnv::Start();
  ASSERT_TRUE(plain.ok()) << plain.status();
  const std::string url = (*plain)->sim_url();
  ASSERT_TRUE(absl::StartsWith(url, "http://")) << url;
  ExpectEveryCallFails(absl::StrCat("https://", url.substr(7)), grpc::UNAVAILABLE,
                       "UPSTREAM_TLS_HANDSHAKE_FAILED");
}

// A real TLS server (the openssl CLI's s_server) with a certificate from a CA
// the gateway does not trust, then does.
class FaultMatrixTlsUpstream : public FaultMatrixUnreachable {
 protected:
  void SetUp() override {
    if (!HaveOpensslCli()) GTEST_SKIP() << "the openssl CLI is not installed (Debian: openssl)";
    auto certs = TestCertificates::Create();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_.emplace(*std::move(certs));
    ASSERT_TRUE(certs_->MakeCa("upstream-ca").ok());
    ASSERT_TRUE(certs_->MakeServer("upstream", "upstream-ca").ok());
    // -www answers every request with an HTML status page; -no_dhe makes the
    // "ACCEPT host:port" line the first one printed.
    auto server = ChildProcess::Start({"/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:0",
                                       "-cert", certs_->Path("upstream.crt"), "-key",
                                       certs_->Path("upstream.key"), "-www", "-no_dhe"});
    ASSERT_TRUE(server.ok()) << server.status();
    server_.emplace(*std::move(server));
    ASSERT_GT(server_->port(), 0) << server_->first_line();
  }
  std::string endpoint() const { return absl::StrCat("https://127.0.0.1:", server_->port()); }

  std::optional<TestCertificates> certs_;
  std::optional<ChildProcess> server_;
};

TEST_F(FaultMatrixTlsUpstream, UpstreamCertificateFromAnUntrustedCa) {
  ExpectEveryCallFails(endpoint(), grpc::INTERNAL, "UPSTREAM_TLS_VERIFICATION_FAILED");
}

TEST_F(FaultMatrixTlsUpstream, TrustedCaGetsPastTheHandshake) {
  // With the CA trusted the handshake succeeds and the HTML page is what fails.
  ExpectEveryCallFails(endpoint(), grpc::INTERNAL, "UPSTREAM_MALFORMED_RESPONSE",
                       {absl::StrCat("--ca_file=", certs_->Path("upstream-ca.crt"))});
}

}  // namespace
}  // namespace hss::testing
