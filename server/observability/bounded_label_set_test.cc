#include "server/observability/bounded_label_set.h"

#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hss::gateway {
namespace {

TEST(BoundedLabelSetTest, EmptyCodeIsNone) {
  BoundedLabelSet set;
  EXPECT_EQ(set.IndexOf(""), BoundedLabelSet::kNone);
  EXPECT_EQ(set.Label(BoundedLabelSet::kNone), "");
}

TEST(BoundedLabelSetTest, AdmitsCodesOfTheStrictForm) {
  BoundedLabelSet set;
  const int hss = set.IndexOf("HSS.0013");
  const int apig = set.IndexOf("APIG.0307");
  EXPECT_GE(hss, 2);
  EXPECT_GE(apig, 2);
  EXPECT_NE(hss, apig);
  EXPECT_EQ(set.IndexOf("HSS.0013"), hss);
  EXPECT_EQ(set.Label(hss), "HSS.0013");
  EXPECT_EQ(set.Label(apig), "APIG.0307");
}

TEST(BoundedLabelSetTest, AnythingElseIsOther) {
  BoundedLabelSet set;
  for (const char* code : {"HSS.001", "HSS.00133", ".0013", "HSS-0013", "H5S.0013", "HSS.00x3",
                           "ABCDEFGHIJK.0001", "Bearer abc.def", "host-1234", "{\"a\":1}"}) {
    EXPECT_EQ(set.IndexOf(code), BoundedLabelSet::kOther) << code;
  }
  EXPECT_EQ(set.Label(BoundedLabelSet::kOther), "other");
}

TEST(BoundedLabelSetTest, KeepsOnlyTheFirstCapacityCodes) {
  BoundedLabelSet set;
  std::set<int> indexes;
  for (int i = 0; i < BoundedLabelSet::kCapacity; ++i) {
    indexes.insert(set.IndexOf(absl::StrCat("HSS.", 1000 + i)));
  }
  EXPECT_EQ(indexes.size(), static_cast<size_t>(BoundedLabelSet::kCapacity));
  EXPECT_EQ(*indexes.begin(), 2);
  EXPECT_EQ(*indexes.rbegin(), BoundedLabelSet::kIndexes - 1);
  EXPECT_EQ(set.IndexOf("HSS.9999"), BoundedLabelSet::kOther);
  EXPECT_EQ(set.IndexOf("HSS.1000"), 2);  // Admitted ones keep their index.
}

TEST(BoundedLabelSetTest, ConcurrentAdmissionsAgree) {
  BoundedLabelSet set;
  constexpr int kThreads = 4;
  std::vector<std::vector<int>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) seen[t].push_back(set.IndexOf(absl::StrCat("IAM.", 2000 + i)));
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(seen[t], seen[0]);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(set.Label(seen[0][i]), absl::StrCat("IAM.", 2000 + i));
}

}  // namespace
}  // namespace hss::gateway
