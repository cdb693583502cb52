// Envoy's x-forwarded-client-cert header → caller identities.
#include "server/authz/xfcc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hss::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(IdentitiesFromXfcc, ReadsIstiosHeader) {
  EXPECT_THAT(IdentitiesFromXfcc("By=spiffe://cluster.local/ns/hss/sa/gateway;"
                                 "Hash=4ad1b2c3;Subject=\"\";"
                                 "URI=spiffe://cluster.local/ns/ops/sa/scanner"),
              ElementsAre("spiffe://cluster.local/ns/ops/sa/scanner"));
}

TEST(IdentitiesFromXfcc, ReadsUriDnsAndSubjectCn) {
  EXPECT_THAT(IdentitiesFromXfcc("Hash=ab;Subject=\"CN=ops-cli,OU=ops,O=Example\";"
                                 "URI=spiffe://e/x;DNS=a.example;DNS=b.example"),
              ElementsAre("spiffe://e/x", "dns:a.example", "dns:b.example", "cn:ops-cli"));
}

TEST(IdentitiesFromXfcc, TakesTheElementTheNearestProxyAdded) {
  EXPECT_THAT(IdentitiesFromXfcc("URI=spiffe://forged/by/the/client,"
                                 "By=spiffe://gw;URI=spiffe://real/caller"),
              ElementsAre("spiffe://real/caller"));
  // A quoted ',' does not split elements.
  EXPECT_THAT(IdentitiesFromXfcc("Subject=\"CN=a\\\"b,O=x\";URI=spiffe://q"),
              ElementsAre("spiffe://q", "cn:a\"b"));
}

TEST(IdentitiesFromXfcc, EmptyWhenItNamesNone) {
  EXPECT_THAT(IdentitiesFromXfcc(""), IsEmpty());
  EXPECT_THAT(IdentitiesFromXfcc("Hash=ab;By=spiffe://gw"), IsEmpty());
  EXPECT_THAT(IdentitiesFromXfcc("garbage"), IsEmpty());
}

}  // namespace
}  // namespace hss::gateway
