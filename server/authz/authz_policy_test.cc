// The authorization policy: parsing, and the caller × method × project matrix.
#include "server/authz/authz_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

constexpr char kPolicy[] = R"({"rules": [
  {"name": "scanner reads prod",
   "callers": ["spiffe://cluster.local/ns/ops/sa/scanner"],
   "methods": ["ListPorts", "StreamPorts"],
   "projects": ["prod"]},
  {"name": "the monitor watches prod",
   "callers": ["spiffe://cluster.local/ns/sec/sa/monitor"],
   "methods": ["WatchPorts"],
   "projects": ["prod"]},
  {"name": "auditors list web hosts anywhere",
   "callers": ["spiffe://cluster.local/ns/audit/*", "dns:auditor.example.com"],
   "methods": ["ListPorts"],
   "projects": ["*"],
   "host_ids": ["web-*"]},
  {"name": "the ops CLI streams staging",
   "callers": ["cn:ops-cli"],
   "methods": ["*"],
   "projects": ["staging-*"]}
]})";

Caller Of(std::vector<std::string> identities) { return Caller{std::move(identities)}; }

TEST(AuthzPolicy, DecidesTheMatrix) {
  absl::StatusOr<AuthzPolicy> policy = AuthzPolicy::Parse(kPolicy);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const Caller scanner = Of({"spiffe://cluster.local/ns/ops/sa/scanner", "cn:scanner"});
  const Caller auditor = Of({"spiffe://cluster.local/ns/audit/sa/bob"});
  const Caller auditor_by_dns = Of({"dns:auditor.example.com"});
  const Caller ops = Of({"dns:ops.example.com", "cn:ops-cli"});
  const Caller monitor = Of({"spiffe://cluster.local/ns/sec/sa/monitor"});
  const Caller stranger = Of({"spiffe://cluster.local/ns/ops/sa/scanner2"});
  const Caller anonymous = Of({});
  struct Row {
    const Caller* caller;
    const char* method;
    const char* project;
    const char* host;
    bool allowed;
  };
  for (const Row& row : std::vector<Row>{
           {&scanner, "ListPorts", "prod", "db-1", true},
           {&scanner, "StreamPorts", "prod", "db-1", true},
           {&scanner, "ListPorts", "staging-1", "db-1", false},
           {&scanner, "WatchPorts", "prod", "db-1", false},
           {&monitor, "WatchPorts", "prod", "db-1", true},
           {&monitor, "ListPorts", "prod", "db-1", false},
           {&ops, "WatchPorts", "staging-eu", "db-1", true},
           {&auditor, "ListPorts", "prod", "web-1", true},
           {&auditor, "ListPorts", "any", "web-2", true},
           {&auditor, "ListPorts", "prod", "db-1", false},
           {&auditor, "StreamPorts", "prod", "web-1", false},
           {&auditor_by_dns, "ListPorts", "x", "web-9", true},
           {&ops, "StreamPorts", "staging-eu", "db-1", true},
           {&ops, "ListPorts", "staging-", "", true},
           {&ops, "ListPorts", "prod", "web-1", false},
           {&stranger, "ListPorts", "prod", "web-1", false},
           {&anonymous, "ListPorts", "prod", "web-1", false},
       }) {
    absl::Status status = policy->Check(*row.caller, row.method, row.project, row.host);
    EXPECT_EQ(status.ok(), row.allowed) << row.caller->primary() << " " << row.method << " "
                                        << row.project << " " << row.host << ": " << status;
    if (!status.ok()) {
      EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
      auto info = GetErrorInfo(status);
      ASSERT_TRUE(info.has_value());
      EXPECT_EQ(info->reason(), kReasonCallerNotAuthorized);
      EXPECT_EQ(info->metadata().at(std::string(kMetaCallerIdentity)), row.caller->primary());
      EXPECT_EQ(info->metadata().at(std::string(kMetaProjectId)), row.project);
    }
  }
}

TEST(AuthzPolicy, AnEmptyPolicyDeniesEveryone) {
  absl::StatusOr<AuthzPolicy> policy = AuthzPolicy::Parse(R"({"rules": []})");
  ASSERT_TRUE(policy.ok());
  EXPECT_THAT(policy->Check(Of({"cn:a"}), "ListPorts", "p", "h").message(),
              HasSubstr("caller cn:a may not call ListPorts for project p"));
  EXPECT_EQ(policy->Check(Of({}), "ListPorts", "p", "h").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AuthzPolicy, StarCallerAllowsEvenAnonymous) {
  absl::StatusOr<AuthzPolicy> policy = AuthzPolicy::Parse(
      R"({"rules": [{"callers": ["*"], "methods": ["ListPorts"], "projects": ["p"]}]})");
  ASSERT_TRUE(policy.ok());
  EXPECT_TRUE(policy->Check(Of({}), "ListPorts", "p", "").ok());
  EXPECT_EQ(policy->rules()[0].name, "rule 1");
}

TEST(AuthzPolicy, RefusesMalformedPoliciesSayingWhere) {
  struct Row {
    const char* json;
    const char* error;
  };
  for (const Row& row : std::vector<Row>{
           {"{", "not JSON"},
           {"[]", "must be a JSON object"},
           {R"({"rule": []})", "unknown key \"rule\""},
           {R"({"rules": {}})", "\"rules\" must be an array"},
           {R"({"rules": [1]})", "rule 1 is not an object"},
           {R"({"rules": [{"methods": ["ListPorts"], "projects": ["p"]}]})",
            "rule 1 (rule 1): \"callers\" is missing"},
           {R"({"rules": [{"name": "x", "callers": [], "methods": ["ListPorts"],
               "projects": ["p"]}]})",
            "rule 1 (x): \"callers\" must be a non-empty array"},
           {R"({"rules": [{"callers": ["a"], "methods": ["ListPort"], "projects": ["p"]}]})",
            "unknown method \"ListPort\""},
           {R"({"rules": [{"callers": ["a"], "methods": ["*"], "projects": ["p"],
               "hosts": ["h"]}]})",
            "unknown key \"hosts\""},
           {R"({"rules": [{"callers": ["a"], "methods": ["*"], "projects": [""]}]})",
            "must hold non-empty strings"},
       }) {
    absl::StatusOr<AuthzPolicy> policy = AuthzPolicy::Parse(row.json);
    ASSERT_FALSE(policy.ok()) << row.json;
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(policy.status().message(), HasSubstr(row.error)) << row.json;
  }
}

TEST(GlobMatch, StarMatchesAnyRun) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a*c", "abbbc"));
  EXPECT_TRUE(GlobMatch("a*c", "ac"));
  EXPECT_FALSE(GlobMatch("a*c", "acb"));
  EXPECT_TRUE(GlobMatch("*b*", "abc"));
  EXPECT_FALSE(GlobMatch("abc", "abcd"));
  EXPECT_TRUE(GlobMatch("a**", "a"));
  EXPECT_FALSE(GlobMatch("a?c", "abc"));  // Only '*' is special.
  EXPECT_TRUE(GlobMatch("a?c", "a?c"));
}

}  // namespace
}  // namespace hss::gateway
