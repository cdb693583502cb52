#ifndef HSS_TESTS_E2E_TEST_CERTIFICATES_H_
#define HSS_TESTS_E2E_TEST_CERTIFICATES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hss::testing {

// True when the openssl CLI (Debian package openssl) can be run.
bool HaveOpensslCli();

// Certificates made by the openssl CLI in a temporary directory, removed when
// the object goes away: CAs, and leaf certificates signed by one of them
// (P-256 keys, valid for two days).
class TestCertificates {
 public:
  // Creates the temporary directory.
  static absl::StatusOr<TestCertificates> Create();
  TestCertificates(TestCertificates&& other) noexcept;
  TestCertificates& operator=(TestCertificates&&) = delete;
  ~TestCertificates();

  // The directory holding the files.
  const std::string& dir() const { return dir_; }
  // The path of `name` in dir().
  std::string Path(const std::string& name) const;

  // Makes a self-signed CA: <name>.crt and <name>.key.
  absl::Status MakeCa(const std::string& name);
  // Makes <name>.crt and <name>.key (`name` may start with a folder, made if
  // missing) signed by CA `ca`, with subject CN `cn`,
  // subjectAltName `san` (openssl syntax, e.g. "IP:127.0.0.1,DNS:localhost";
  // empty: none) and extendedKeyUsage `usage` ("serverAuth" or "clientAuth").
  absl::Status MakeLeaf(const std::string& name, const std::string& ca, const std::string& cn,
                        const std::string& san, const std::string& usage);
  // Makes a server certificate for 127.0.0.1 and localhost.
  absl::Status MakeServer(const std::string& name, const std::string& ca) {
    return MakeLeaf(name, ca, "hss-gateway", "IP:127.0.0.1,DNS:localhost", "serverAuth");
  }
  // Points the symbolic link `link` (in dir()) at `target` in one rename, as
  // Kubernetes swaps the files of a mounted secret: a reader sees the old pair
  // of files or the new one, never a mix.
  absl::Status PointLink(const std::string& link, const std::string& target) const;
  // The contents of `name`.
  std::string Read(const std::string& name) const;

 private:
  explicit TestCertificates(std::string dir) : dir_(std::move(dir)) {}
  // Runs `command` (a shell command line); fails with its output otherwise.
  absl::Status Run(const std::string& command) const;

  std::string dir_;
};

}  // namespace hss::testing

#endif  // HSS_TESTS_E2E_TEST_CERTIFICATES_H_
