#include "common/port_enum_words.h"

#include "gtest/gtest.h"

namespace hss {
namespace {

using ::hss::ports::v1::Category;
using ::hss::ports::v1::PortStatus;
using ::hss::ports::v1::Protocol;

TEST(PortEnumWords, EveryNamedValueRoundTrips) {
  for (int i = 0; i < hss::ports::v1::Protocol_ARRAYSIZE; ++i) {
    const auto value = static_cast<Protocol>(i);
    if (value == hss::ports::v1::PROTOCOL_UNSPECIFIED) continue;
    ASSERT_FALSE(ProtocolWord(value).empty()) << i;
    EXPECT_EQ(ProtocolFromWord(ProtocolWord(value)), value) << i;
  }
  for (int i = 0; i < hss::ports::v1::PortStatus_ARRAYSIZE; ++i) {
    const auto value = static_cast<PortStatus>(i);
    if (value == hss::ports::v1::PORT_STATUS_UNSPECIFIED) continue;
    ASSERT_FALSE(PortStatusWord(value).empty()) << i;
    EXPECT_EQ(PortStatusFromWord(PortStatusWord(value)), value) << i;
  }
  for (int i = 0; i < hss::ports::v1::Category_ARRAYSIZE; ++i) {
    const auto value = static_cast<Category>(i);
    if (value == hss::ports::v1::CATEGORY_UNSPECIFIED) continue;
    ASSERT_FALSE(CategoryWord(value).empty()) << i;
    EXPECT_EQ(CategoryFromWord(CategoryWord(value)), value) << i;
  }
}

TEST(PortEnumWords, HssSpellings) {
  EXPECT_EQ(ProtocolWord(hss::ports::v1::PROTOCOL_TCP), "TCP");
  EXPECT_EQ(PortStatusWord(hss::ports::v1::PORT_STATUS_UNKNOWN), "unknown");
  EXPECT_FALSE(PortStatusFromWord("unknow").has_value());  // Only the mapper takes it.
  EXPECT_EQ(PortStatusFromWord("DANGER"), hss::ports::v1::PORT_STATUS_DANGER);
  EXPECT_EQ(ProtocolFromWord("udp"), hss::ports::v1::PROTOCOL_UDP);
  EXPECT_EQ(CategoryFromWord("Container"), hss::ports::v1::CATEGORY_CONTAINER);
}

TEST(PortEnumWords, OtherValuesHaveNoWord) {
  EXPECT_EQ(ProtocolWord(hss::ports::v1::PROTOCOL_UNSPECIFIED), "");
  EXPECT_EQ(ProtocolWord(static_cast<Protocol>(99)), "");
  EXPECT_EQ(PortStatusWord(static_cast<PortStatus>(-1)), "");
  EXPECT_EQ(CategoryWord(hss::ports::v1::CATEGORY_UNSPECIFIED), "");
  for (absl::string_view word : {"", "sctp", "tcp ", "unknownn", "hosts"}) {
    EXPECT_FALSE(ProtocolFromWord(word).has_value()) << word;
    EXPECT_FALSE(PortStatusFromWord(word).has_value()) << word;
    EXPECT_FALSE(CategoryFromWord(word).has_value()) << word;
  }
}

}  // namespace
}  // namespace hss
