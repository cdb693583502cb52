#include "server/protection/shared_page_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "server/testing/fake_hss_stub.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

TEST(SharedPageCodecTest, EveryFieldButTheAgeSurvivesTheRoundTrip) {
  PortsPage page = TestPage(3, 40);
  page.has_total_num = false;
  page.skipped_values = 2;
  page.http_status = 203;
  page.request_id = "req-\n1";  // line breaks in the id cannot shift the fields
  page.age = absl::Seconds(9);
  auto decoded = DecodeSharedPage(EncodeSharedPage(page));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->response.SerializeAsString(), page.response.SerializeAsString());
  EXPECT_FALSE(decoded->has_total_num);
  EXPECT_EQ(decoded->skipped_values, 2);
  EXPECT_EQ(decoded->http_status, 203);
  EXPECT_EQ(decoded->request_id, "req-\n1");
  EXPECT_EQ(decoded->age, absl::ZeroDuration());
}

TEST(SharedPageCodecTest, AnEmptyPageRoundTrips) {
  PortsPage page;
  page.http_status = 200;
  page.has_total_num = true;
  auto decoded = DecodeSharedPage(EncodeSharedPage(page));
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_TRUE(decoded->has_total_num);
  EXPECT_EQ(decoded->response.data_list_size(), 0);
  EXPECT_EQ(decoded->request_id, "");
}

TEST(SharedPageCodecTest, WhatIsNotAnEntryOfThisVersionIsRefused) {
  const std::string good = EncodeSharedPage(TestPage(2));
  for (const std::string& bad :
       {std::string(), std::string("hss-page/2\n1\n0\n200\n0\n"), std::string("!"),
        good.substr(0, 12), std::string("hss-page/1\n1\n0\n200\n99\nshort"),
        std::string("hss-page/1\nyes\n0\n200\n0\n"),
        std::string("hss-page/1\n1\n0\n200\n0\n\xff\xff\xff")}) {
    auto decoded = DecodeSharedPage(bad);
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(decoded.status().message(), HasSubstr("not a shared page entry"));
  }
}

}  // namespace
}  // namespace hss::gateway
