#include "sim/data/list_ports_request.h"

#include <gtest/gtest.h>

#include <string>

namespace hss::sim {
namespace {

std::string Error(const std::vector<QueryParam>& query, const ListPortsLimits& limits = {}) {
  const absl::StatusOr<ListPortsRequest> r = ParseListPortsRequest(query, limits);
  return r.ok() ? "" : std::string(r.status().message());
}

TEST(ListPortsRequestTest, DefaultsAndUnknownParameters) {
  const absl::StatusOr<ListPortsRequest> r =
      ParseListPortsRequest({{"host_id", "h1"}, {"hlimit", "10"}, {"whatever", "x"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->host_id, "h1");
  EXPECT_EQ(r->limit, 10);
  EXPECT_EQ(r->offset, 0);
  EXPECT_EQ(r->category, Category::kHost);
  EXPECT_TRUE(r->filter.empty());
}

TEST(ListPortsRequestTest, AcceptsEverythingValid) {
  const absl::StatusOr<ListPortsRequest> r =
      ParseListPortsRequest({{"host_id", "h1"},
                             {"host_name", "web"},
                             {"host_ip", "10.0.0.1"},
                             {"port", "65535"},
                             {"type", "UDP"},
                             {"status", "unknow"},
                             {"enterprise_project_id", "all_granted_eps"},
                             {"limit", "200"},
                             {"offset", "2000000"},
                             {"category", "container"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->filter.port, 65535);
  EXPECT_EQ(r->filter.type, "UDP");
  EXPECT_EQ(r->filter.status, "unknow");
  EXPECT_EQ(r->limit, 200);
  EXPECT_EQ(r->offset, 2000000);
  EXPECT_EQ(r->category, Category::kContainer);
}

TEST(ListPortsRequestTest, RejectsInvalidValues) {
  EXPECT_NE(Error({}), "");
  EXPECT_NE(Error({{"host_id", ""}}), "");
  EXPECT_NE(Error({{"host_id", std::string(129, 'a')}}), "");
  EXPECT_EQ(Error({{"host_id", std::string(128, 'a')}}), "");
  // Lengths count characters, not bytes.
  std::string chinese;
  for (int i = 0; i < 128; ++i) chinese += "数";
  EXPECT_EQ(Error({{"host_id", chinese}}), "");
  EXPECT_NE(Error({{"host_id", "h"}, {"host_name", std::string(129, 'n')}}), "");
  EXPECT_NE(Error({{"host_id", "h"}, {"host_ip", std::string(129, '1')}}), "");
  EXPECT_NE(Error({{"host_id", "h"}, {"enterprise_project_id", std::string(257, 'e')}}), "");
  for (const char* bad : {"9", "201", "abc", "", "10.5", "+10", " 10", "99999999999999999999"}) {
    EXPECT_NE(Error({{"host_id", "h"}, {"limit", bad}}), "") << bad;
  }
  for (const char* bad : {"-1", "2000001", "x"}) {
    EXPECT_NE(Error({{"host_id", "h"}, {"offset", bad}}), "") << bad;
  }
  for (const char* bad : {"0", "65536", "ssh"}) {
    EXPECT_NE(Error({{"host_id", "h"}, {"port", bad}}), "") << bad;
  }
  EXPECT_NE(Error({{"host_id", "h"}, {"type", "tcp"}}), "");
  EXPECT_NE(Error({{"host_id", "h"}, {"status", "bad"}}), "");
  EXPECT_NE(Error({{"host_id", "h"}, {"category", "vm"}}), "");
  EXPECT_EQ(Error({{"host_id", "h"}, {"limit", "9"}}),
            "Invalid parameter: limit must be an integer in [10, 200]");
}

TEST(ListPortsRequestTest, FirstOfRepeatedParameterCounts) {
  const absl::StatusOr<ListPortsRequest> r =
      ParseListPortsRequest({{"host_id", "a"}, {"host_id", "b"}, {"limit", "20"}, {"limit", "x"}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->host_id, "a");
  EXPECT_EQ(r->limit, 20);
}

TEST(ListPortsRequestTest, LimitsAreConfigurable) {
  const ListPortsLimits old_docs{10, 100, 10000};
  EXPECT_NE(Error({{"host_id", "h"}, {"limit", "200"}}, old_docs), "");
  EXPECT_NE(Error({{"host_id", "h"}, {"offset", "10001"}}, old_docs), "");
  EXPECT_EQ(Error({{"host_id", "h"}, {"limit", "100"}}, old_docs), "");
}

}  // namespace
}  // namespace hss::sim
