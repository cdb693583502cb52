#include "sim/faults/oversized_body.h"

#include <gtest/gtest.h>

#include <string>

#include "rapidjson/document.h"

namespace hss::sim {
namespace {

std::string Drain(OversizedBody& body, size_t chunk) {
  std::string out;
  while (!body.done()) {
    const size_t n = body.Next(chunk, out);
    EXPECT_GT(n, 0u);
    EXPECT_LE(n, chunk);
  }
  return out;
}

TEST(OversizedBodyTest, ExactSizeAndValidJson) {
  const std::string record = R"({"port":22,"type":"TCP","path":"/opt/数据/app"})";
  for (uint64_t size : {100ULL, 101ULL, 1000ULL, 65536ULL, 1000003ULL}) {
    for (size_t chunk : {1u, 7u, 4096u, 65536u}) {
      if (size > 100000 && chunk < 4096) continue;
      OversizedBody body(size, record);
      const std::string text = Drain(body, chunk);
      ASSERT_EQ(text.size(), size) << size << "/" << chunk;
      rapidjson::Document doc;
      doc.Parse(text.c_str(), text.size());
      ASSERT_FALSE(doc.HasParseError()) << size << "/" << chunk << ": " << text.substr(0, 200);
      EXPECT_TRUE(doc["data_list"].IsArray());
      if (size >= 1000) {
        EXPECT_GT(doc["data_list"].Size(), 0u);
      }
    }
  }
}

TEST(OversizedBodyTest, TinySizesStillHaveExactLength) {
  for (uint64_t size : {0ULL, 1ULL, 10ULL, 40ULL}) {
    OversizedBody body(size, "{}");
    EXPECT_EQ(Drain(body, 3).size(), size);
  }
}

}  // namespace
}  // namespace hss::sim
