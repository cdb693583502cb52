#include "server/tls/pem_check.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hss::gateway {
namespace {

// A PEM file larger than this is not a certificate or key.
constexpr long kMaxPemBytes = 1 << 20;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

absl::Status FileError(absl::string_view flag, absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, ": ", what));
}

// The contents of `path`, or InvalidArgument naming `flag`, the file and why.
absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return FileError(flag, path, std::strerror(errno));
  std::string contents;
  char buffer[8192];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    contents.append(buffer, n);
    if (contents.size() > kMaxPemBytes) break;
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return FileError(flag, path, "read error");
  if (contents.size() > kMaxPemBytes) return FileError(flag, path, "larger than 1 MiB");
  if (contents.empty()) return FileError(flag, path, "the file is empty");
  return contents;
}

BioPtr MemoryBio(const std::string& contents) {
  return BioPtr(BIO_new_mem_buf(contents.data(), static_cast<int>(contents.size())));
}

// The certificates in PEM `contents` (none when it holds none).
std::vector<X509Ptr> ReadCertificates(const std::string& contents) {
  std::vector<X509Ptr> certs;
  BioPtr bio = MemoryBio(contents);
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert);
  }
  ERR_clear_error();  // The loop ends on "no start line".
  return certs;
}

absl::Status CheckCertificates(absl::string_view flag, const std::string& path,
                               std::vector<X509Ptr>* out) {
  absl::StatusOr<std::string> contents = ReadPemFile(flag, path);
  if (!contents.ok()) return contents.status();
  std::vector<X509Ptr> certs = ReadCertificates(*contents);
  if (certs.empty()) {
    return FileError(flag, path, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  if (out != nullptr) *out = std::move(certs);
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckListenerTlsFiles(const ListenerTlsOptions& options) {
  if (!options.enabled()) return absl::OkStatus();
  std::vector<X509Ptr> chain;
  if (absl::Status s = CheckCertificates("tls_cert_file", options.cert_file, &chain); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> key_pem = ReadPemFile("tls_key_file", options.key_file);
  if (!key_pem.ok()) return key_pem.status();
  BioPtr bio = MemoryBio(*key_pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return FileError("tls_key_file", options.key_file,
                     "holds no unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
  }
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    ERR_clear_error();
    return FileError("tls_key_file", options.key_file,
                     absl::StrCat("is not the key of the first certificate in --tls_cert_file=",
                                  options.cert_file));
  }
  if (options.mutual()) {
    if (absl::Status s = CheckCertificates("tls_client_ca_file", options.client_ca_file, nullptr);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace hss::gateway
