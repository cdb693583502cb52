// The start-up check of the listener's PEM files, and the credentials built from them.
#include "server/tls/pem_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/tls/listener_credentials.h"

namespace hss::gateway {
namespace {

using ::testing::HasSubstr;

// Two self-signed certificates and their keys made by the openssl CLI in a
// temporary directory.
class PemCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("openssl version >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the openssl CLI is not installed (Debian package openssl)";
    }
    char dir_template[] = "/tmp/hss-pem-check-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    for (const char* name : {"a", "b"}) {
      const std::string command = absl::StrCat(
          "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
          "/CN=",
          name, " -keyout ", dir_, "/", name, ".key -out ", dir_, "/", name,
          ".crt >/dev/null 2>&1");
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
    Write("empty.pem", "");
    Write("garbage.pem", "not a certificate\n");
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(absl::StrCat("rm -rf ", dir_).c_str());
  }

  std::string Path(const std::string& name) const { return absl::StrCat(dir_, "/", name); }
  void Write(const std::string& name, const std::string& contents) const {
    std::ofstream(Path(name)) << contents;
  }
  ListenerTlsOptions Options(const std::string& cert, const std::string& key,
                             const std::string& ca = "") const {
    ListenerTlsOptions options;
    options.cert_file = Path(cert);
    options.key_file = Path(key);
    if (!ca.empty()) options.client_ca_file = Path(ca);
    return options;
  }

  std::string dir_;
};

TEST_F(PemCheckTest, AcceptsAMatchingCertificateAndKey) {
  EXPECT_TRUE(CheckListenerTlsFiles(Options("a.crt", "a.key")).ok());
  EXPECT_TRUE(CheckListenerTlsFiles(Options("a.crt", "a.key", "b.crt")).ok());
  EXPECT_TRUE(CheckListenerTlsFiles(ListenerTlsOptions()).ok());  // Plaintext.
}

TEST_F(PemCheckTest, NamesTheFlagAndTheFileThatIsWrong) {
  absl::Status missing = CheckListenerTlsFiles(Options("missing.crt", "a.key"));
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr(absl::StrCat("--tls_cert_file=", Path("missing.crt"),
                                                        ": No such file or directory")));
  EXPECT_THAT(
      CheckListenerTlsFiles(Options("empty.pem", "a.key")).message(),
      HasSubstr(absl::StrCat("--tls_cert_file=", Path("empty.pem"), ": the file is empty")));
  EXPECT_THAT(CheckListenerTlsFiles(Options("garbage.pem", "a.key")).message(),
              HasSubstr("holds no PEM certificate"));
  EXPECT_THAT(CheckListenerTlsFiles(Options("a.crt", "garbage.pem")).message(),
              HasSubstr(absl::StrCat("--tls_key_file=", Path("garbage.pem"),
                                     ": holds no unencrypted PEM private key")));
  EXPECT_THAT(CheckListenerTlsFiles(Options("a.crt", "b.key")).message(),
              HasSubstr(absl::StrCat("--tls_key_file=", Path("b.key"),
                                     ": is not the key of the first certificate")));
  EXPECT_THAT(CheckListenerTlsFiles(Options("a.crt", "a.key", "garbage.pem")).message(),
              HasSubstr(absl::StrCat("--tls_client_ca_file=", Path("garbage.pem"))));
  EXPECT_THAT(CheckListenerTlsFiles(Options("a.crt", "a.key", "missing.pem")).message(),
              HasSubstr("No such file or directory"));
}

TEST_F(PemCheckTest, CredentialsNeedBothCertificateAndKey) {
  ListenerTlsOptions only_cert;
  only_cert.cert_file = Path("a.crt");
  EXPECT_THAT(MakeListenerCredentials(only_cert).status().message(),
              HasSubstr("both --tls_cert_file and --tls_key_file"));
  ListenerTlsOptions only_ca;
  only_ca.client_ca_file = Path("b.crt");
  EXPECT_THAT(MakeListenerCredentials(only_ca).status().message(),
              HasSubstr("--tls_client_ca_file (mTLS) needs"));
  EXPECT_FALSE(MakeListenerCredentials(Options("a.crt", "b.key")).ok());
  EXPECT_TRUE(MakeListenerCredentials(Options("a.crt", "a.key", "b.crt")).ok());
  EXPECT_TRUE(MakeListenerCredentials(ListenerTlsOptions()).ok());
}

}  // namespace
}  // namespace hss::gateway
