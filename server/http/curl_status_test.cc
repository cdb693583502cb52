// CURLcode → status: the transport rows of the error table.
#include "server/http/curl_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CurlFailureToStatus, MapsTheTransportTable) {
  struct Row {
    CURLcode code;
    bool caller_deadline;
    absl::StatusCode want;
    std::string reason;
  };
  const std::vector<Row> rows = {
      {CURLE_COULDNT_CONNECT, false, absl::StatusCode::kUnavailable, "UPSTREAM_UNREACHABLE"},
      {CURLE_COULDNT_RESOLVE_HOST, false, absl::StatusCode::kUnavailable, "UPSTREAM_DNS_FAILURE"},
      {CURLE_GOT_NOTHING, false, absl::StatusCode::kUnavailable, "UPSTREAM_EMPTY_REPLY"},
      {CURLE_RECV_ERROR, false, absl::StatusCode::kUnavailable, "UPSTREAM_CONNECTION_RESET"},
      {CURLE_SEND_ERROR, false, absl::StatusCode::kUnavailable, "UPSTREAM_CONNECTION_RESET"},
      {CURLE_PARTIAL_FILE, false, absl::StatusCode::kUnavailable, "UPSTREAM_TRUNCATED_RESPONSE"},
      {CURLE_SSL_CONNECT_ERROR, false, absl::StatusCode::kUnavailable,
       "UPSTREAM_TLS_HANDSHAKE_FAILED"},
      {CURLE_PEER_FAILED_VERIFICATION, false, absl::StatusCode::kInternal,
       "UPSTREAM_TLS_VERIFICATION_FAILED"},
      {CURLE_SSL_CACERT_BADFILE, false, absl::StatusCode::kInternal,
       "UPSTREAM_TLS_VERIFICATION_FAILED"},
      {CURLE_OPERATION_TIMEDOUT, true, absl::StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
      {CURLE_OPERATION_TIMEDOUT, false, absl::StatusCode::kUnavailable, "UPSTREAM_TIMEOUT"},
      {CURLE_ABORTED_BY_CALLBACK, false, absl::StatusCode::kCancelled, "CANCELLED"},
  };
  for (const auto& row : rows) {
    CurlFailure f;
    f.code = row.code;
    f.origin = "https://hss.example.com";
    f.timeout_is_caller_deadline = row.caller_deadline;
    absl::Status s = CurlFailureToStatus(f);
    EXPECT_EQ(s.code(), row.want) << row.code;
    EXPECT_EQ(GetErrorInfo(s)->reason(), row.reason) << row.code;
    EXPECT_THAT(std::string(s.message()), HasSubstr("https://hss.example.com"));
  }
  CurlFailure big;
  big.code = CURLE_WRITE_ERROR;
  big.body_too_large = true;
  big.max_response_bytes = 1024;
  absl::Status s = CurlFailureToStatus(big);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(s.message()), HasSubstr("--max_response_bytes=1024"));
}

TEST(CurlFailureToStatus, ACallerDeadlineReadsAsASentence) {
  CurlFailure f;
  f.code = CURLE_OPERATION_TIMEDOUT;
  f.timeout_is_caller_deadline = true;
  f.origin = "http://127.0.0.1:8080";
  absl::Status s = CurlFailureToStatus(f);
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(s.message()),
              testing::StartsWith("the gateway stopped at the caller's deadline while waiting for "
                                  "HSS at http://127.0.0.1:8080 ("));
}

}  // namespace
}  // namespace hss::gateway
