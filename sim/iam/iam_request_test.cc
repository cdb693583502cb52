#include "sim/iam/iam_request.h"

#include <gtest/gtest.h>

#include <string>

namespace hss::sim {
namespace {

constexpr char kSecret[] = "s3cr3t-P@ss";

std::string Body(const std::string& scope) {
  return std::string(
             R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"alice",)"
             R"("password":")") +
         kSecret + R"(","domain":{"name":"acme"}}}},"scope":)" + scope + "}}";
}

TEST(IamRequestTest, ParsesScopeByName) {
  absl::StatusOr<IamPasswordAuth> auth =
      ParseIamPasswordAuth(Body(R"({"project":{"name":"cn-north-4"}})"));
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_EQ(auth->user_name, "alice");
  EXPECT_EQ(auth->password, kSecret);
  EXPECT_EQ(auth->domain_name, "acme");
  EXPECT_EQ(auth->project_name, "cn-north-4");
  EXPECT_EQ(auth->project_id, "");
}

TEST(IamRequestTest, ParsesScopeById) {
  absl::StatusOr<IamPasswordAuth> auth = ParseIamPasswordAuth(Body(R"({"project":{"id":"0b5f"}})"));
  ASSERT_TRUE(auth.ok()) << auth.status();
  EXPECT_EQ(auth->project_id, "0b5f");
  EXPECT_EQ(auth->project_name, "");
}

TEST(IamRequestTest, RejectsBadBodiesWithoutEchoingThePassword) {
  const std::string bad[] = {
      "",
      "{",
      "[]",
      R"({"auth":{}})",
      Body(R"({"project":{}})"),
      Body(R"({"project":{"name":"a","id":"b"}})"),
      Body(R"({"project":{"name":""}})"),
      Body(R"({"project":{"name":7}})"),
      Body(R"({"domain":{"name":"acme"}})"),
      Body(R"("x")"),
      R"({"auth":{"identity":{"methods":["token"],"password":{"user":{"name":"a","password":")" +
          std::string(kSecret) + R"(","domain":{"name":"d"}}}},"scope":{"project":{"name":"r"}}}})",
      R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"a","password":")" +
          std::string(kSecret) + R"("}}},"scope":{"project":{"name":"r"}}}})",
      R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"a",)"
      R"("domain":{"name":"d"}}}},"scope":{"project":{"name":"r"}}}})",
      R"({"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"","password":")" +
          std::string(kSecret) + R"(","domain":{"name":"d"}}}},"scope":{"project":{"name":"r"}}}})",
  };
  for (const std::string& body : bad) {
    absl::StatusOr<IamPasswordAuth> auth = ParseIamPasswordAuth(body);
    ASSERT_FALSE(auth.ok()) << body;
    EXPECT_EQ(auth.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(auth.status().message()).find(kSecret), std::string::npos)
        << auth.status();
  }
}

TEST(IamRequestTest, ParsesUsers) {
  absl::StatusOr<std::vector<IamUser>> users = ParseIamUsers("alice@acme,bob@x@corp");
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "alice");
  EXPECT_EQ((*users)[0].domain, "acme");
  EXPECT_EQ((*users)[1].name, "bob@x");
  EXPECT_EQ((*users)[1].domain, "corp");
  EXPECT_TRUE(ParseIamUsers("")->empty());
  for (const char* bad : {"alice", "@acme", "alice@", "a@b,,c@d", "a@b,"}) {
    EXPECT_FALSE(ParseIamUsers(bad).ok()) << bad;
  }
}

TEST(IamRequestTest, ParsesProjects) {
  absl::StatusOr<std::vector<IamProject>> projects =
      ParseIamProjects("cn-north-4:p1,cn-north-4:p2,ap-southeast-1:p3");
  ASSERT_TRUE(projects.ok()) << projects.status();
  ASSERT_EQ(projects->size(), 3u);
  EXPECT_EQ((*projects)[1].name, "cn-north-4");
  EXPECT_EQ((*projects)[1].id, "p2");
  EXPECT_TRUE(ParseIamProjects("")->empty());
  for (const char* bad : {"cn-north-4", ":p", "n:", "a:b,"}) {
    EXPECT_FALSE(ParseIamProjects(bad).ok()) << bad;
  }
}

TEST(IamRequestTest, FormatsTimesLikeIam) {
  EXPECT_EQ(FormatIamTime(1550040733855), "2019-02-13T06:52:13.855000Z");
  EXPECT_EQ(FormatIamTime(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatIamTime(1717200000001), "2024-06-01T00:00:00.001000Z");
}

TEST(IamRequestTest, SyntheticIdsAreStableHex) {
  EXPECT_EQ(SyntheticId("project", "cn-north-4"), SyntheticId("project", "cn-north-4"));
  EXPECT_NE(SyntheticId("project", "cn-north-4"), SyntheticId("domain", "cn-north-4"));
  EXPECT_EQ(SyntheticId("user", "x").size(), 32u);
}

}  // namespace
}  // namespace hss::sim
