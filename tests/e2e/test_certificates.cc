#include "tests/e2e/test_certificates.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace hss::testing {

bool HaveOpensslCli() { return std::system("openssl version >/dev/null 2>&1") == 0; }

absl::StatusOr<TestCertificates> TestCertificates::Create() {
  char dir_template[] = "/tmp/hss-e2e-certs-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return absl::InternalError("mkdtemp failed");
  return TestCertificates(dir_template);
}

TestCertificates::TestCertificates(TestCertificates&& other) noexcept
    : dir_(std::move(other.dir_)) {
  other.dir_.clear();
}

TestCertificates::~TestCertificates() {
  if (!dir_.empty()) std::system(absl::StrCat("rm -rf '", dir_, "'").c_str());
}

std::string TestCertificates::Path(const std::string& name) const {
  return absl::StrCat(dir_, "/", name);
}

absl::Status TestCertificates::Run(const std::string& command) const {
  const std::string log = Path("openssl.log");
  const std::string line = absl::StrCat("cd '", dir_, "' && ", command, " >'", log, "' 2>&1");
  if (std::system(line.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("`", command, "` failed: ", Read("openssl.log")));
  }
  return absl::OkStatus();
}

absl::Status TestCertificates::MakeCa(const std::string& name) {
  return Run(absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj '/CN=",
      name,
      "' -addext basicConstraints=critical,CA:TRUE -addext "
      "keyUsage=critical,keyCertSign,cRLSign -keyout ",
      name, ".key -out ", name, ".crt"));
}

absl::Status TestCertificates::MakeLeaf(const std::string& name, const std::string& ca,
                                        const std::string& cn, const std::string& san,
                                        const std::string& usage) {
  if (absl::Status s = Run(absl::StrCat("mkdir -p \"$(dirname ", name, ")\"")); !s.ok()) return s;
  {
    std::ofstream ext(Path(name + ".ext"));
    ext << "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        << "extendedKeyUsage=" << usage << "\n";
    if (!san.empty()) ext << "subjectAltName=" << san << "\n";
  }
  return Run(absl::StrCat(
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=", cn,
      "' -keyout ", name, ".key -out ", name, ".csr && openssl x509 -req -in ", name, ".csr -CA ",
      ca, ".crt -CAkey ", ca, ".key -CAcreateserial -days 2 -extfile ", name, ".ext -out ", name,
      ".crt"));
}

absl::Status TestCertificates::PointLink(const std::string& link, const std::string& target) const {
  const std::string staged = Path(link + ".new");
  unlink(staged.c_str());
  if (symlink(target.c_str(), staged.c_str()) != 0 ||
      std::rename(staged.c_str(), Path(link).c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot point ", link, " at ", target));
  }
  return absl::OkStatus();
}

std::string TestCertificates::Read(const std::string& name) const {
  std::ifstream in(Path(name));
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace hss::testing
