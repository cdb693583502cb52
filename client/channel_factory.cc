#include "client/channel_factory.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"

namespace hss::client {

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const CliOptions& options) {
  if (options.target.empty()) return absl::InvalidArgumentError("--target must not be empty");
  if (!options.tls) {
    if (!options.tls_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls_ca_file needs --tls");
    }
    return grpc::CreateChannel(options.target, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.tls_ca_file.empty()) {
    std::ifstream in(options.tls_ca_file, std::ios::binary);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read --tls_ca_file ", options.tls_ca_file));
    }
    ssl.pem_root_certs.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return grpc::CreateChannel(options.target, grpc::SslCredentials(ssl));
}

}  // namespace hss::client
