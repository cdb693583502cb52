#include "server/auth/credential_source.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "server/testing/fake_scheduler.h"

namespace hss::gateway {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAk[] = "HSSTESTAK0123456789AB";
constexpr char kSk[] = "hssTestSecretKey/0123456789+abcdefghijKLMN";

std::string Basic(absl::string_view ak = kAk, absl::string_view sk = kSk) {
  return absl::StrCat("[basic]\nak = ", ak, "\nsk = ", sk, "\n");
}

TEST(RedactAk, ShowsAtMostFourCharacters) {
  EXPECT_EQ(RedactAk(kAk), "HSST…");
  EXPECT_EQ(RedactAk("ABCDEF"), "ABC…");
  EXPECT_EQ(RedactAk("AB"), "A…");
  EXPECT_EQ(RedactAk(""), "…");
}

// Found by tests/fuzz/aksk_roundtrip_fuzz: an AK with ',' or ';' was accepted,
// signed, and then refused by every verifier as a malformed Authorization header.
TEST(ValidateAkskCredential, RefusesAnAkTheAuthorizationHeaderCannotCarry) {
  for (const char* ak : {"A,cc", "AK;1", ",", ";"}) {
    AkskCredential credential;
    credential.ak = ak;
    credential.sk = kSk;
    const absl::Status status = ValidateAkskCredential(credential, "environment");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << ak;
    EXPECT_THAT(status.message(), AllOf(HasSubstr("environment: the AK (access key id) contains"),
                                        Not(HasSubstr(kSk))))
        << ak;
  }
  AkskCredential good;
  good.ak = "HSS.AK-0_9~x=y";
  good.sk = kSk;
  EXPECT_TRUE(ValidateAkskCredential(good, "environment").ok());
}

TEST(ParseCredentialsFile, ReadsTheSdkFormat) {
  const std::string contents =
      "\xEF\xBB\xBF# Huawei Cloud credentials\r\n"
      "; another comment\n"
      "[global]\n"
      "ak = GLOBALAK\n"
      "sk = globalsecret\n"
      "domain_id = d1\n"
      "\n"
      "[basic]\r\n"
      "  AK = HSSTESTAK0123456789AB  \n"
      "sk: \"hssTestSecretKey/0123456789+abcdefghijKLMN\"\n"
      "security_token = tok==\n"
      "project_id = 0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b\n"
      "iam_endpoint = https://iam.example.com\n"
      "unknown_key = ignored\n";
  auto c = ParseCredentialsFile(contents, "/x/credentials");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ak, kAk);
  EXPECT_EQ(c->sk, kSk);
  EXPECT_EQ(c->security_token, "tok==");
  EXPECT_EQ(c->project_id, "0b5f3a9e7c2d4e1f8a6b9c0d1e2f3a4b");
  EXPECT_EQ(c->iam_endpoint, "https://iam.example.com");
  EXPECT_EQ(c->domain_id, "");
}

TEST(ParseCredentialsFile, AcceptsADefaultSectionWhenThereIsNoBasic) {
  auto c = ParseCredentialsFile("[default]\nak=A1234567\nsk=S\n", "f");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->ak, "A1234567");
  // [basic] wins over [default].
  c = ParseCredentialsFile("[default]\nak=DEF12345\nsk=S\n[basic]\nak=BAS12345\nsk=S\n", "f");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->ak, "BAS12345");
}

TEST(ParseCredentialsFile, ErrorsNameTheLineNeverTheSecret) {
  struct Case {
    std::string contents;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"ak = x\n[basic]\n", "line 1: 'key = value' before any section header"},
      {"[basic]\nak = A\nthis line has the secret " + std::string(kSk) + "\n",
       "line 3: expected 'key = value'"},
      {"[basic\nak = A\n", "line 1: a section header must end with ']'"},
      {"[basic]\n= value\n", "line 2: a key is missing"},
      {"[basic]\nak=A\nsk=" + std::string(kSk) + "\nsk=other\n", "line 4: key 'sk' appears twice"},
      {"[basic]\nak=A\n[basic]\n", "line 3: section [basic] appears twice"},
      {"[global]\nak=A\nsk=B\n", "has no [basic] section"},
      {"[basic]\nsk=" + std::string(kSk) + "\n", "the AK (access key id) is missing"},
      {"[basic]\nak=" + std::string(kAk) + "\n", "the SK (secret access key) is missing"},
      {"[basic]\nak=" + std::string(kAk) + "\nsk=" + std::string(kSk) + " # my key\n",
       "the SK (secret access key) contains a space"},
      {"[basic]\nidp_id=i\nid_token_file=/t\n", "federated credentials"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseCredentialsFile(c.contents, "/home/u/.huaweicloud/credentials");
    ASSERT_FALSE(parsed.ok()) << c.contents;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(),
                AllOf(HasSubstr("/home/u/.huaweicloud/credentials"), HasSubstr(c.expected),
                      Not(HasSubstr(kSk)), Not(HasSubstr("this line"))))
        << c.contents;
  }
}

TEST(ReadSdkEnvironment, ReadsTheSdkVariablesAndTheDefaultFile) {
  std::map<std::string, std::string> vars = {{"HUAWEICLOUD_SDK_AK", "a"},
                                             {"HUAWEICLOUD_SDK_SK", "s"},
                                             {"HUAWEICLOUD_SDK_SECURITY_TOKEN", "t"},
                                             {"HUAWEICLOUD_SDK_PROJECT_ID", "p"},
                                             {"HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam"},
                                             {"HOME", "/home/u/"}};
  auto env = [&vars](absl::string_view name) {
    auto it = vars.find(std::string(name));
    return it == vars.end() ? std::string() : it->second;
  };
  SdkEnvironment e = ReadSdkEnvironment(env);
  EXPECT_EQ(e.ak, "a");
  EXPECT_EQ(e.sk, "s");
  EXPECT_EQ(e.security_token, "t");
  EXPECT_EQ(e.project_id, "p");
  EXPECT_EQ(e.iam_endpoint, "https://iam");
  EXPECT_EQ(e.credentials_file, "/home/u/.huaweicloud/credentials");
  vars["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] = "/etc/hss/credentials";
  EXPECT_EQ(ReadSdkEnvironment(env).credentials_file, "/etc/hss/credentials");
  vars.clear();
  EXPECT_EQ(ReadSdkEnvironment(env).credentials_file, "");
}

// A temporary directory, removed with its files at the end of the test.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TEST_TMPDIR");
    std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/hss-cred-XXXXXX");
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    for (const std::string& file : files_) unlink(file.c_str());
    rmdir(path_.c_str());
  }
  // Writes `contents` to `name` (atomically, through a rename) with `mode`.
  std::string Write(absl::string_view name, absl::string_view contents, mode_t mode = 0600) {
    const std::string file = absl::StrCat(path_, "/", name);
    const std::string tmp = absl::StrCat(file, ".tmp");
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
    close(fd);
    chmod(tmp.c_str(), mode);
    rename(tmp.c_str(), file.c_str());
    files_.push_back(file);
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

TEST(ReadPrivateFile, RefusesFilesOthersCanRead) {
  TempDir dir;
  const std::string file = dir.Write("credentials", Basic(), 0644);
  auto contents = ReadPrivateFile(file, "credentials file");
  ASSERT_FALSE(contents.ok());
  EXPECT_EQ(contents.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(contents.status().message(),
              AllOf(HasSubstr(file), HasSubstr("mode 0644"),
                    HasSubstr(absl::StrCat("chmod 600 ", file)), Not(HasSubstr(kSk))));
  dir.Write("credentials", Basic(), 0640);
  EXPECT_FALSE(ReadPrivateFile(file, "credentials file").ok());
  dir.Write("credentials", Basic(), 0400);
  EXPECT_TRUE(ReadPrivateFile(file, "credentials file").ok());
  EXPECT_EQ(ReadPrivateFile(dir.path() + "/missing", "credentials file").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(ReadPrivateFile(dir.path(), "credentials file").ok());  // a directory
}

struct Harness {
  TempDir dir;
  std::shared_ptr<FakeScheduler> scheduler = std::make_shared<FakeScheduler>();
  std::vector<std::string> logs;

  FileCredentialSourceOptions Options(const std::string& path) {
    FileCredentialSourceOptions o;
    o.path = path;
    o.scheduler = scheduler;
    o.log = [this](absl::string_view level, absl::string_view line) {
      logs.push_back(absl::StrCat(level, ": ", line));
    };
    return o;
  }
};

TEST(FileCredentialSource, StartUpErrorsAreClear) {
  Harness h;
  const std::string open_file = h.dir.Write("open", Basic(), 0644);
  auto source = FileCredentialSource::Create(h.Options(open_file));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(), HasSubstr("chmod 600"));

  const std::string broken = h.dir.Write("broken", "[basic]\nak\n");
  source = FileCredentialSource::Create(h.Options(broken));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(), AllOf(HasSubstr(broken), HasSubstr("line 2")));

  source = FileCredentialSource::Create(h.Options(h.dir.path() + "/missing"));
  EXPECT_EQ(source.status().code(), absl::StatusCode::kNotFound);
}

TEST(FileCredentialSource, PicksUpARotatedFileAtMostOncePerSecond) {
  Harness h;
  const std::string file = h.dir.Write("credentials", Basic());
  auto source = FileCredentialSource::Create(h.Options(file));
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->Current()->ak, kAk);
  EXPECT_EQ((*source)->Describe(), absl::StrCat("credentials file ", file));

  h.dir.Write("credentials", Basic("ROTATEDAK00000000000", "rotated-secret"));
  EXPECT_EQ((*source)->Current()->ak, kAk) << "checked again within a second";
  h.scheduler->AdvanceBy(absl::Seconds(1));
  EXPECT_EQ((*source)->Current()->ak, "ROTATEDAK00000000000");
  EXPECT_EQ((*source)->Current()->sk, "rotated-secret");
  ASSERT_EQ(h.logs.size(), 1u);
  EXPECT_THAT(h.logs[0],
              AllOf(HasSubstr("info: "), HasSubstr("reloaded"), HasSubstr("ROTA…"),
                    HasSubstr("HSST…"), Not(HasSubstr("rotated-secret")), Not(HasSubstr(kAk))));
}

TEST(FileCredentialSource, KeepsTheLastGoodCredentialsWhenTheFileBreaks) {
  Harness h;
  const std::string file = h.dir.Write("credentials", Basic());
  auto source = FileCredentialSource::Create(h.Options(file));
  ASSERT_TRUE(source.ok());

  const std::string half_written =
      absl::StrCat("[basic]\nak = NEWAK000000000000000\nsk = ", kSk, "\nsk_typo");
  h.dir.Write("credentials", half_written);
  h.scheduler->AdvanceBy(absl::Seconds(2));
  EXPECT_EQ((*source)->Current()->ak, kAk);
  h.scheduler->AdvanceBy(absl::Seconds(2));
  EXPECT_EQ((*source)->Current()->ak, kAk);
  ASSERT_EQ(h.logs.size(), 1u) << "a broken version is logged once";
  EXPECT_THAT(h.logs[0], AllOf(HasSubstr("warning: "), HasSubstr("cannot be used"),
                               HasSubstr("line 4"), HasSubstr("HSST…"), Not(HasSubstr(kSk)),
                               Not(HasSubstr("NEWAK000000000000000"))));

  h.dir.Write("credentials", Basic(), 0644);  // bad permissions: ignored too
  h.scheduler->AdvanceBy(absl::Seconds(2));
  EXPECT_EQ((*source)->Current()->ak, kAk);
  ASSERT_EQ(h.logs.size(), 2u);
  EXPECT_THAT(h.logs[1], HasSubstr("chmod 600"));

  unlink(file.c_str());  // removed: ignored, logged once
  h.scheduler->AdvanceBy(absl::Seconds(2));
  EXPECT_EQ((*source)->Current()->ak, kAk);
  h.scheduler->AdvanceBy(absl::Seconds(2));
  EXPECT_EQ((*source)->Current()->ak, kAk);
  EXPECT_EQ(h.logs.size(), 3u);

  h.dir.Write("credentials", Basic("FIXEDAK0000000000000", "fixed"));
  h.scheduler->AdvanceBy(absl::Seconds(2));
  EXPECT_EQ((*source)->Current()->ak, "FIXEDAK0000000000000");
}

TEST(MakeCredentialSource, FollowsTheSdkChain) {
  Harness h;
  SdkEnvironment env;
  env.ak = kAk;
  env.sk = kSk;
  env.project_id = "p1";
  env.credentials_file = h.dir.path() + "/missing";
  auto source = MakeCredentialSource(env, h.Options(""));
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->Current()->ak, kAk);
  EXPECT_EQ((*source)->Current()->project_id, "p1");
  EXPECT_THAT((*source)->Describe(), HasSubstr("environment"));

  env.sk.clear();
  source = MakeCredentialSource(env, h.Options(""));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(),
              AllOf(HasSubstr("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not"),
                    Not(HasSubstr(kAk))));

  env.ak.clear();
  source = MakeCredentialSource(env, h.Options(""));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(),
              AllOf(HasSubstr("HUAWEICLOUD_SDK_AK"), HasSubstr(env.credentials_file)));

  env.credentials_file.clear();
  source = MakeCredentialSource(env, h.Options(""));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(), HasSubstr("HOME is unset"));

  env.credentials_file = h.dir.Write("credentials", Basic());
  source = MakeCredentialSource(env, h.Options(""));
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_THAT((*source)->Describe(), HasSubstr(env.credentials_file));

  h.dir.Write("credentials", Basic(), 0604);
  source = MakeCredentialSource(env, h.Options(""));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(), HasSubstr("chmod 600"));

  env.ak = "bad ak";
  env.sk = kSk;
  source = MakeCredentialSource(env, h.Options(""));
  ASSERT_FALSE(source.ok());
  EXPECT_THAT(source.status().message(), AllOf(HasSubstr("contains a space"), Not(HasSubstr(kSk))));
}

TEST(FileCredentialSource, CurrentOnlyReadsTheSnapshotTheSchedulerKeepsFresh) {
  Harness h;
  const std::string file = h.dir.Write("credentials", Basic());
  auto source = FileCredentialSource::Create(h.Options(file));
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(h.scheduler->pending_timers(), 1u);

  h.dir.Write("credentials", Basic("ROTATEDAK00000000000", "rotated-secret"));
  // However often it is called, Current() never looks at the file.
  for (int i = 0; i < 3; ++i) EXPECT_EQ((*source)->Current()->ak, kAk);
  EXPECT_TRUE(h.logs.empty());
  h.scheduler->AdvanceBy(absl::Seconds(1));  // the check runs on the scheduler
  EXPECT_EQ((*source)->Current()->ak, "ROTATEDAK00000000000");
  ASSERT_EQ(h.logs.size(), 1u);

  // Replaced by a FIFO: Current() does not block, the check neither (it
  // refuses a file that is not regular), and the credentials stay.
  unlink(file.c_str());
  ASSERT_EQ(mkfifo(file.c_str(), 0600), 0);
  EXPECT_EQ((*source)->Current()->ak, "ROTATEDAK00000000000");
  h.scheduler->AdvanceBy(absl::Seconds(1));
  EXPECT_EQ((*source)->Current()->ak, "ROTATEDAK00000000000");
  ASSERT_EQ(h.logs.size(), 2u);
  EXPECT_THAT(h.logs[1], AllOf(HasSubstr("warning: "), HasSubstr("not a regular file")));

  unlink(file.c_str());
  h.dir.Write("credentials", Basic("THIRDAK0000000000000", "third-secret"));
  EXPECT_EQ((*source)->Current()->ak, "ROTATEDAK00000000000");
  h.scheduler->AdvanceBy(absl::Seconds(1));
  EXPECT_EQ((*source)->Current()->ak, "THIRDAK0000000000000");

  source->reset();
  EXPECT_EQ(h.scheduler->pending_timers(), 0u) << "destroying the source stops the checks";
}

TEST(FileCredentialSource, ChecksOnAThreadOfItsOwnWithoutAScheduler) {
  Harness h;
  const std::string file = h.dir.Write("credentials", Basic());
  FileCredentialSourceOptions options = h.Options(file);
  options.scheduler = nullptr;
  options.check_interval = absl::Milliseconds(10);
  absl::Notification reloaded;
  options.log = [&reloaded](absl::string_view, absl::string_view) {
    if (!reloaded.HasBeenNotified()) reloaded.Notify();
  };
  auto source = FileCredentialSource::Create(std::move(options));
  ASSERT_TRUE(source.ok()) << source.status();
  h.dir.Write("credentials", Basic("ROTATEDAK00000000000", "rotated-secret"));
  ASSERT_TRUE(reloaded.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ((*source)->Current()->ak, "ROTATEDAK00000000000");
}

}  // namespace
}  // namespace hss::gateway
