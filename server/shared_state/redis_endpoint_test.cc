#include "server/shared_state/redis_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

TEST(RedisEndpointTest, HostPortAndDatabase) {
  auto endpoint = ParseRedisEndpoint("redis://redis.cache.svc:6380/2");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->host, "redis.cache.svc");
  EXPECT_EQ(endpoint->port, 6380);
  EXPECT_EQ(endpoint->db, 2);
  EXPECT_EQ(endpoint->ToString(), "redis://redis.cache.svc:6380/2");
}

TEST(RedisEndpointTest, DefaultsArePort6379AndDatabase0) {
  for (const char* url : {"redis://127.0.0.1", "redis://127.0.0.1/", "REDIS://127.0.0.1"}) {
    auto endpoint = ParseRedisEndpoint(url);
    ASSERT_TRUE(endpoint.ok()) << url << ": " << endpoint.status();
    EXPECT_EQ(endpoint->port, 6379) << url;
    EXPECT_EQ(endpoint->db, 0) << url;
  }
}

TEST(RedisEndpointTest, BracketedIpv6) {
  auto endpoint = ParseRedisEndpoint("redis://[::1]:7000/1");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 7000);
  EXPECT_EQ(endpoint->ToString(), "redis://[::1]:7000/1");
}

TEST(RedisEndpointTest, AnAclUserName) {
  auto endpoint = ParseRedisEndpoint("redis://hss-gateway_1.a@[::1]:7000/1");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->username, "hss-gateway_1.a");
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->ToString(), "redis://hss-gateway_1.a@[::1]:7000/1");
  auto plain = ParseRedisEndpoint("redis://127.0.0.1");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->username, "");
}

TEST(RedisEndpointTest, RefusesWhatItCannotUseWithAMessageThatSaysWhy) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://127.0.0.1:6379", "scheme must be redis://"},
      {"rediss://127.0.0.1:6379", "stunnel"},
      {"redis://:secret@127.0.0.1:6379", "--redis_password_file"},
      {"redis://user:secret@127.0.0.1", "HSS_REDIS_PASSWORD"},
      {"redis://us@er:secret@127.0.0.1", "password is not accepted"},
      {"redis://@127.0.0.1", "user name before '@' is empty"},
      {"redis://a%20b@127.0.0.1", "user name may hold only"},
      {"redis://127.0.0.1:0", "port must be a number 1-65535"},
      {"redis://127.0.0.1:65536", "port must be a number 1-65535"},
      {"redis://127.0.0.1:", "port must be a number 1-65535"},
      {"redis://127.0.0.1:x", "port must be a number 1-65535"},
      {"redis://127.0.0.1/db", "database must be a number"},
      {"redis://127.0.0.1/-1", "database must be a number"},
      {"redis://127.0.0.1/+1", "database must be a number"},
      {"redis://127.0.0.1/1024", "database must be a number"},
      {"redis://", "host is missing"},
      {"redis://::1:6379", "IPv6 address must be in brackets"},
      {"redis://[::1", "lacks its ']'"},
      {"redis://a b:6379", "not allowed in a host name"},
  };
  for (const auto& [url, why] : cases) {
    auto endpoint = ParseRedisEndpoint(url);
    ASSERT_FALSE(endpoint.ok()) << url;
    EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(endpoint.status().message(), HasSubstr(why)) << url;
    EXPECT_THAT(endpoint.status().message(), ::testing::Not(HasSubstr("secret"))) << url;
  }
}

}  // namespace
}  // namespace hss::gateway
