// The hot-reloaded policy file: a reload takes effect, a broken file keeps the
// last good policy and the log says why.
#include "server/authz/policy_watcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "server/runtime/log.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Allow(const std::string& caller) {
  return absl::StrCat(R"({"rules": [{"callers": [")", caller,
                      R"("], "methods": ["*"], "projects": ["p"]}]})");
}

class PolicyWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char path[] = "/tmp/hss-authz-policy-XXXXXX";
    const int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = path;
  }
  void TearDown() override { std::remove(path_.c_str()); }

  // Replaces the file in one rename, as an editor or a ConfigMap update does.
  void Write(const std::string& contents) {
    const std::string staged = path_ + ".new";
    std::ofstream(staged) << contents;
    ASSERT_EQ(std::rename(staged.c_str(), path_.c_str()), 0);
  }
  bool Allows(const PolicyWatcher& watcher, const std::string& caller) {
    return watcher.policy()->Check(Caller{{caller}}, "ListPorts", "p", "h").ok();
  }
  // Advances the fake clock past one poll and returns what the log got meanwhile.
  std::string PollAndCaptureLog(FakeScheduler& scheduler) {
    ::testing::internal::CaptureStderr();
    scheduler.AdvanceBy(absl::Seconds(5));
    FlushLog(absl::Seconds(5));
    return ::testing::internal::GetCapturedStderr();
  }

  std::string path_;
};

TEST_F(PolicyWatcherTest, AReloadTakesEffectOnTheNextPoll) {
  Write(Allow("cn:alice"));
  auto scheduler = std::make_shared<FakeScheduler>();
  auto watcher = PolicyWatcher::Start(path_, absl::Seconds(5), scheduler);
  ASSERT_TRUE(watcher.ok()) << watcher.status();
  EXPECT_TRUE(Allows(**watcher, "cn:alice"));
  EXPECT_FALSE(Allows(**watcher, "cn:bob"));

  Write(Allow("cn:bob"));
  EXPECT_TRUE(Allows(**watcher, "cn:alice")) << "reloaded before the poll";
  const std::string log = PollAndCaptureLog(*scheduler);
  EXPECT_FALSE(Allows(**watcher, "cn:alice"));
  EXPECT_TRUE(Allows(**watcher, "cn:bob"));
  EXPECT_THAT(log, HasSubstr(absl::StrCat("authorization policy reloaded from ", path_)));
  // Unchanged file: nothing is reloaded or logged.
  EXPECT_THAT(PollAndCaptureLog(*scheduler), Not(HasSubstr("reloaded")));
}

TEST_F(PolicyWatcherTest, ABrokenFileKeepsTheLastGoodPolicyAndSaysWhy) {
  Write(Allow("cn:alice"));
  auto scheduler = std::make_shared<FakeScheduler>();
  auto watcher = PolicyWatcher::Start(path_, absl::Seconds(5), scheduler);
  ASSERT_TRUE(watcher.ok()) << watcher.status();

  Write(R"({"rules": [{"callers": ["cn:bob"], "methods": ["ListPorts"]}]})");
  std::string log = PollAndCaptureLog(*scheduler);
  EXPECT_TRUE(Allows(**watcher, "cn:alice"));
  EXPECT_FALSE(Allows(**watcher, "cn:bob"));
  EXPECT_THAT(log, HasSubstr("\"level\":\"warning\""));
  EXPECT_THAT(log, HasSubstr(absl::StrCat("--authz_policy_file=", path_, " not reloaded: ")));
  EXPECT_THAT(log, HasSubstr("\\\"projects\\\" is missing"));
  EXPECT_THAT(log, HasSubstr("keeping the authorization policy loaded before"));
  // Said once per change of the file, not at every poll.
  EXPECT_THAT(PollAndCaptureLog(*scheduler), Not(HasSubstr("not reloaded")));

  std::remove(path_.c_str());
  log = PollAndCaptureLog(*scheduler);
  EXPECT_THAT(log, HasSubstr("No such file or directory"));
  EXPECT_TRUE(Allows(**watcher, "cn:alice"));

  Write(Allow("cn:bob"));
  log = PollAndCaptureLog(*scheduler);
  EXPECT_TRUE(Allows(**watcher, "cn:bob"));
}

TEST_F(PolicyWatcherTest, StartFailsOnABadFileNamingIt) {
  auto scheduler = std::make_shared<FakeScheduler>();
  Write("{not json");
  auto broken = PolicyWatcher::Start(path_, absl::Seconds(5), scheduler);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.status().message(),
              HasSubstr(absl::StrCat("--authz_policy_file=", path_, ": not JSON")));
  auto missing = PolicyWatcher::Start("/nonexistent/policy.json", absl::Seconds(5), scheduler);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("--authz_policy_file=/nonexistent/policy.json: No such file"));
}

}  // namespace
}  // namespace hss::gateway
