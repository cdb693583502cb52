#include "sim/data/port_query.h"

#include <gtest/gtest.h>

#include <string>

#include "rapidjson/document.h"
#include "sim/data/port_json.h"

namespace hss::sim {
namespace {

// Re-serializes a parsed record so it can be compared with AppendPortRecordJson's output.
PortRecord FromJson(const rapidjson::Value& v) {
  PortRecord r;
  const auto str = [&](const char* key) -> std::optional<std::string> {
    if (!v.HasMember(key) || v[key].IsNull()) return std::nullopt;
    return std::string(v[key].GetString(), v[key].GetStringLength());
  };
  r.host_id = *str("host_id");
  r.laddr = str("laddr");
  r.status = str("status");
  r.port = v["port"].GetInt();
  r.type = *str("type");
  if (v.HasMember("pid")) r.pid = v["pid"].GetInt64();
  r.path = str("path");
  r.agent_id = str("agent_id");
  EXPECT_TRUE(v.HasMember("container_id"));
  r.container_id = str("container_id");
  return r;
}

TEST(PortQueryTest, UnfilteredPagesAreIndexRanges) {
  const HostKey key{1, "h", Category::kHost};
  const PortPage page = QueryPorts(key, 25, {}, 20, 10);
  EXPECT_EQ(page.total_num, 25u);
  ASSERT_EQ(page.data_list.size(), 5u);
  for (uint64_t i = 0; i < 5; ++i) EXPECT_EQ(page.data_list[i], GeneratePort(key, 20 + i));

  EXPECT_TRUE(QueryPorts(key, 25, {}, 25, 10).data_list.empty());
  EXPECT_EQ(QueryPorts(key, 25, {}, 1000, 10).total_num, 25u);
  EXPECT_EQ(QueryPorts(key, 0, {}, 0, 10).total_num, 0u);
}

TEST(PortQueryTest, FilterSemantics) {
  PortCore core{443, false, 0};
  EXPECT_TRUE(Matches(core, {}));
  EXPECT_TRUE(Matches(core, {443, "TCP", "normal"}));
  EXPECT_FALSE(Matches(core, {80, std::nullopt, std::nullopt}));
  EXPECT_FALSE(Matches(core, {std::nullopt, "UDP", std::nullopt}));
  EXPECT_FALSE(Matches(core, {std::nullopt, std::nullopt, "danger"}));
  // "unknown" and "unknow" are one filter matching both spellings.
  for (int status : {2, 3}) {
    core.status = status;
    EXPECT_TRUE(Matches(core, {std::nullopt, std::nullopt, "unknown"}));
    EXPECT_TRUE(Matches(core, {std::nullopt, std::nullopt, "unknow"}));
    EXPECT_FALSE(Matches(core, {std::nullopt, std::nullopt, "normal"}));
  }
  // A record without status matches no status filter.
  core.status = -1;
  EXPECT_FALSE(Matches(core, {std::nullopt, std::nullopt, "unknown"}));
  EXPECT_TRUE(Matches(core, {std::nullopt, "TCP", std::nullopt}));
}

TEST(PortQueryTest, FilteredPagingWalksTheFilteredList) {
  const HostKey key{1, "filtered", Category::kHost};
  const HostPorts host(key);
  const PortFilter filter{std::nullopt, "UDP", "unknown"};
  std::vector<PortRecord> all;
  for (uint64_t i = 0; i < 5000; ++i) {
    if (Matches(host.CoreAt(i), filter)) all.push_back(host.At(i));
  }
  ASSERT_GT(all.size(), 100u);
  std::vector<PortRecord> walked;
  for (uint64_t offset = 0;; offset += 37) {
    const PortPage page = QueryPorts(key, 5000, filter, offset, 37);
    EXPECT_EQ(page.total_num, all.size());
    if (page.data_list.empty()) break;
    walked.insert(walked.end(), page.data_list.begin(), page.data_list.end());
  }
  EXPECT_EQ(walked, all);
  for (const PortRecord& r : all) {
    EXPECT_EQ(r.type, "UDP");
    EXPECT_TRUE(*r.status == "unknown" || *r.status == "unknow");
  }
}

TEST(PortQueryTest, PortFilterFindsWellKnownPorts) {
  const PortPage page = QueryPorts(HostKey{1, "ssh", Category::kHost}, 3000,
                                   {22, std::nullopt, std::nullopt}, 0, 200);
  ASSERT_GT(page.total_num, 0u);
  for (const PortRecord& r : page.data_list) EXPECT_EQ(r.port, 22);
}

TEST(PortQueryTest, JsonParsesBackToTheSameRecords) {
  for (Category category : {Category::kHost, Category::kContainer}) {
    const HostKey key{9, "json \"host\" 数据", category};
    const PortPage page = QueryPorts(key, 1000, {}, 0, 1000);
    const std::string json = ListPortsJson(page);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.c_str(), json.size());
    ASSERT_FALSE(doc.HasParseError()) << doc.GetErrorOffset();
    EXPECT_EQ(doc["total_num"].GetUint64(), 1000u);
    const auto& list = doc["data_list"];
    ASSERT_EQ(list.Size(), 1000u);
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      EXPECT_EQ(FromJson(list[i]), page.data_list[i]) << i;
    }
  }
}

TEST(PortQueryTest, FastSerializerMatchesTheRecordPath) {
  const std::vector<PortFilter> filters = {{},
                                           {22, std::nullopt, std::nullopt},
                                           {std::nullopt, "TCP", std::nullopt},
                                           {std::nullopt, std::nullopt, "unknow"}};
  for (Category category : {Category::kHost, Category::kContainer}) {
    for (const std::string host_id : {"h1", "quote\"back\\slash", "数据\x01"}) {
      const HostPorts host({5, host_id, category});
      for (const PortFilter& filter : filters) {
        for (uint64_t offset : {0, 7, 999, 5000}) {
          EXPECT_EQ(ListPortsJson(host, 1000, filter, offset, 200),
                    ListPortsJson(QueryPorts(host, 1000, filter, offset, 200)))
              << host_id << " " << offset;
        }
      }
    }
  }
}

}  // namespace
}  // namespace hss::sim
