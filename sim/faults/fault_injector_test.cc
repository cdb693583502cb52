#include "sim/faults/fault_injector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "rapidjson/document.h"

namespace hss::sim {
namespace {

FaultRule OnlyRule(std::string_view json) {
  absl::StatusOr<std::vector<FaultRule>> rules = ParseFaultRules(json);
  EXPECT_TRUE(rules.ok()) << rules.status();
  EXPECT_EQ(rules->size(), 1u);
  return rules->front();
}

struct Req {
  std::string path = "/v5/p/asset/ports";
  std::optional<std::string> host_id, offset, limit, category;

  FaultRequest View() const {
    FaultRequest r;
    r.path = path;
    r.host_id = host_id ? &*host_id : nullptr;
    r.offset = offset ? &*offset : nullptr;
    r.limit = limit ? &*limit : nullptr;
    r.category = category ? &*category : nullptr;
    return r;
  }
};

TEST(FaultInjectorTest, ParsesAFullRule) {
  const FaultRule rule = OnlyRule(R"({
      "match": {"host_id": "h1", "offset": 200, "limit": 100, "category": "container",
                "path_prefix": "/v5/"},
      "times": 3, "skip": 1, "probability": 0.5, "status": 429, "error_code": "APIG.0308",
      "error_msg": "throttled", "body_shape": "errorCode", "retry_after": 2,
      "headers": {"X-A": "b"}, "latency_ms": 40})");
  EXPECT_EQ(rule.match.host_id, "h1");
  EXPECT_EQ(rule.match.offset, 200);
  EXPECT_EQ(rule.match.limit, 100);
  EXPECT_EQ(rule.match.category, "container");
  EXPECT_EQ(rule.match.path_prefix, "/v5/");
  EXPECT_EQ(rule.times, 3);
  EXPECT_EQ(rule.skip, 1);
  EXPECT_DOUBLE_EQ(rule.probability, 0.5);
  EXPECT_EQ(rule.effect.status, 429);
  EXPECT_EQ(rule.effect.body_shape, BodyShape::kErrorCamel);
  EXPECT_EQ(rule.effect.retry_after, "2");
  EXPECT_EQ(rule.effect.latency_ms, 40);
  ASSERT_EQ(rule.effect.headers.size(), 1u);
  // The JSON form parses back to the same rule.
  const FaultRule again = OnlyRule(FaultRuleToJson(rule));
  EXPECT_EQ(FaultRuleToJson(again), FaultRuleToJson(rule));
}

TEST(FaultInjectorTest, ParsesArraysAndRawBodies) {
  absl::StatusOr<std::vector<FaultRule>> rules =
      ParseFaultRules(R"([{"drop_connection": true}, {"raw_body": "<html>"}])");
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_TRUE((*rules)[0].effect.drop_connection);
  EXPECT_EQ((*rules)[0].times, -1);
  EXPECT_EQ((*rules)[1].effect.body_shape, BodyShape::kRaw);
  EXPECT_TRUE((*rules)[1].effect.hard());
}

TEST(FaultInjectorTest, RejectsBadRules) {
  for (const char* bad :
       {"", "{", "[1]", "{\"bogus\": 1}", "{\"match\": {\"bogus\": 1}}", "{\"times\": -2}",
        "{\"skip\": \"1\"}", "{\"probability\": 1.5}", "{\"status\": 99}", "{\"status\": 600}",
        "{\"body_shape\": \"x\"}", "{\"drop_connection\": 1}", "{\"headers\": {\"a\": 1}}",
        "{\"oversized_body_bytes\": -1}", "{\"match\": {\"offset\": -1}}"}) {
    EXPECT_FALSE(ParseFaultRules(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseFaultRules("{\"bogus\":1}").status().message(),
            "unknown fault rule field 'bogus'");
}

TEST(FaultInjectorTest, MatchingUsesDefaultsForAbsentParameters) {
  Req req;
  FaultMatch match;
  EXPECT_TRUE(FaultMatches(match, req.View()));
  match.offset = 0;
  match.limit = 10;
  match.category = "host";
  EXPECT_TRUE(FaultMatches(match, req.View()));
  req.offset = "0";
  req.limit = "10";
  EXPECT_TRUE(FaultMatches(match, req.View()));
  req.offset = "200";
  EXPECT_FALSE(FaultMatches(match, req.View()));
  match.offset = 200;
  EXPECT_TRUE(FaultMatches(match, req.View()));
  match.host_id = "h1";
  EXPECT_FALSE(FaultMatches(match, req.View()));
  req.host_id = "h1";
  EXPECT_TRUE(FaultMatches(match, req.View()));
  match.path_prefix = "/v5/other";
  EXPECT_FALSE(FaultMatches(match, req.View()));
  match.path_prefix = "/v5/p";
  EXPECT_TRUE(FaultMatches(match, req.View()));
  req.category = "container";
  EXPECT_FALSE(FaultMatches(match, req.View()));
}

TEST(FaultInjectorTest, SkipThenTimes) {
  FaultInjector faults(1);
  faults.Add({OnlyRule(R"({"skip": 2, "times": 3, "status": 500})")});
  const Req req;
  std::string pattern;
  for (int i = 0; i < 8; ++i) pattern += faults.Apply(req.View()) ? 'F' : '.';
  EXPECT_EQ(pattern, "..FFF...");
  rapidjson::Document doc;
  doc.Parse(faults.ToJson().c_str());
  ASSERT_TRUE(doc.IsArray());
  EXPECT_EQ(doc[0]["matched"].GetInt(), 5);  // Matching stops counting once exhausted.
  EXPECT_EQ(doc[0]["applied"].GetInt(), 3);
}

TEST(FaultInjectorTest, OnlyMatchingRequestsCount) {
  FaultInjector faults(1);
  faults.Add({OnlyRule(R"({"match": {"host_id": "h2"}, "times": 1, "status": 503})")});
  Req other;
  other.host_id = "h1";
  Req target;
  target.host_id = "h2";
  EXPECT_FALSE(faults.Apply(other.View()));
  EXPECT_TRUE(faults.Apply(target.View()));
  EXPECT_FALSE(faults.Apply(target.View()));
}

TEST(FaultInjectorTest, ProbabilityIsSeededAndRoughlyRight) {
  const auto run = [](uint64_t seed) {
    FaultInjector faults(seed);
    faults.Add({OnlyRule(R"({"probability": 0.3, "status": 500})")});
    std::string pattern;
    for (int i = 0; i < 2000; ++i) pattern += faults.Apply(Req().View()) ? 'F' : '.';
    return pattern;
  };
  const std::string a = run(7);
  EXPECT_EQ(a, run(7));
  EXPECT_NE(a, run(8));
  const auto hits = std::count(a.begin(), a.end(), 'F');
  EXPECT_GT(hits, 450);
  EXPECT_LT(hits, 750);

  FaultInjector never(1);
  never.Add({OnlyRule(R"({"probability": 0, "status": 500})")});
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(never.Apply(Req().View()));
}

TEST(FaultInjectorTest, SoftRulesCombineWithTheFirstHardRule) {
  FaultInjector faults(1);
  faults.Add({OnlyRule(R"({"latency_ms": 10, "headers": {"X-A": "1"}})"),
              OnlyRule(R"({"times": 1, "status": 429, "retry_after": "3"})"),
              OnlyRule(R"({"status": 500})")});
  std::optional<AppliedFault> first = faults.Apply(Req().View());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rule_id, 2);
  EXPECT_EQ(first->effect.status, 429);
  EXPECT_EQ(first->effect.latency_ms, 10);
  EXPECT_EQ(first->effect.retry_after, "3");
  ASSERT_EQ(first->effect.headers.size(), 1u);
  std::optional<AppliedFault> second = faults.Apply(Req().View());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->rule_id, 3);
  EXPECT_EQ(second->effect.status, 500);
  EXPECT_EQ(second->effect.latency_ms, 10);
  faults.Clear();
  EXPECT_FALSE(faults.Apply(Req().View()));
  EXPECT_EQ(faults.Add({FaultRule{}}), std::vector<int64_t>{4});  // Ids keep counting.
}

TEST(FaultInjectorTest, ParsesGeneratedBodies) {
  const FaultRule rule = OnlyRule(R"({"extra_rows": 50, "total_num": 7, "empty_records": 2000000,
                   "nested_depth": 100000})");
  EXPECT_EQ(rule.effect.extra_rows, 50);
  EXPECT_EQ(rule.effect.total_num, 7);
  EXPECT_EQ(rule.effect.empty_records, 2000000);
  EXPECT_EQ(rule.effect.nested_depth, 100000);
  EXPECT_TRUE(rule.effect.hard());
  for (const char* one : {R"({"extra_rows": 1})", R"({"total_num": 0})", R"({"empty_records": 1})",
                          R"({"nested_depth": 1})"}) {
    EXPECT_TRUE(OnlyRule(one).effect.hard()) << one;
  }
  const FaultRule again = OnlyRule(FaultRuleToJson(rule));
  EXPECT_EQ(FaultRuleToJson(again), FaultRuleToJson(rule));
  for (const char* bad :
       {R"({"extra_rows": -1})", R"({"empty_records": "5"})", R"({"nested_depth": 100000001})",
        R"({"empty_records": 100000001})", R"({"extra_rows": 1000001})", R"({"total_num": -1})"}) {
    EXPECT_FALSE(ParseFaultRules(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace hss::sim
