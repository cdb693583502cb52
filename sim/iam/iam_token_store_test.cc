#include "sim/iam/iam_token_store.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace hss::sim {
namespace {

IamTokenInfo Info(int64_t issued_ms, int64_t expires_ms) {
  IamTokenInfo info;
  info.user_name = "u";
  info.domain_name = "d";
  info.project_id = "p1";
  info.project_name = "cn-north-4";
  info.issued_ms = issued_ms;
  info.expires_ms = expires_ms;
  return info;
}

TEST(IamTokenStoreTest, TokensAreRandomOpaqueHeaderSafe) {
  IamTokenStore store;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = store.Issue(Info(0, 1000));
    EXPECT_TRUE(token.starts_with(kSimTokenPrefix)) << token;
    EXPECT_EQ(token.size(), kSimTokenPrefix.size() + 160);
    for (char c : token)
      EXPECT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(store.size(), 100u);
}

TEST(IamTokenStoreTest, ValidUntilExpiryThenExpired) {
  IamTokenStore store;
  const std::string token = store.Issue(Info(1000, 3000));
  TokenLookup found = store.Find(token, 1000);
  EXPECT_EQ(found.state, TokenState::kValid);
  EXPECT_EQ(found.info.project_id, "p1");
  EXPECT_EQ(found.info.user_name, "u");
  EXPECT_EQ(store.Find(token, 2999).state, TokenState::kValid);
  EXPECT_EQ(store.Find(token, 3000).state, TokenState::kExpired);
  EXPECT_EQ(store.Find(token, 3000).info.project_name, "cn-north-4");
  EXPECT_EQ(store.valid(2999), 1u);
  EXPECT_EQ(store.valid(3000), 0u);
}

TEST(IamTokenStoreTest, UnknownTokens) {
  IamTokenStore store;
  const std::string token = store.Issue(Info(0, 1000));
  EXPECT_EQ(store.Find("", 0).state, TokenState::kUnknown);
  EXPECT_EQ(store.Find(token + "x", 0).state, TokenState::kUnknown);
  EXPECT_EQ(store.Find(token.substr(1), 0).state, TokenState::kUnknown);
  EXPECT_EQ(store.Find(NewSimToken(), 0).state, TokenState::kUnknown);
  store.Clear();
  EXPECT_EQ(store.Find(token, 0).state, TokenState::kUnknown);
}

TEST(IamTokenStoreTest, ExpireAll) {
  IamTokenStore store;
  const std::string a = store.Issue(Info(0, 1000));
  const std::string b = store.Issue(Info(0, 5000));
  EXPECT_EQ(store.ExpireAll(2000), 1u);  // `a` was expired already.
  EXPECT_EQ(store.Find(a, 2000).state, TokenState::kExpired);
  EXPECT_EQ(store.Find(b, 2000).state, TokenState::kExpired);
  EXPECT_EQ(store.Find(b, 1999).state, TokenState::kValid);
}

}  // namespace
}  // namespace hss::sim
