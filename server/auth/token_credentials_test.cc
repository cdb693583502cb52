// Token validation and passthrough token extraction.
#include "server/auth/token_credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ValidateToken, AcceptsVisibleAsciiOnly) {
  EXPECT_TRUE(ValidateToken("MIIabc+/=-_.").ok());
  EXPECT_EQ(ValidateToken("").code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(ValidateToken("a b").ok());
  EXPECT_FALSE(ValidateToken("a\r\nX-Evil: 1").ok());
  EXPECT_FALSE(ValidateToken(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(ValidateToken(std::string(16385, 'a')).ok());
  // The message never echoes the token.
  EXPECT_THAT(std::string(ValidateToken("secret value").message()), Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace hss::gateway
