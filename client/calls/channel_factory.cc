#include "client/calls/channel_factory.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hss::client {
namespace {

// True when `authority` ("host:port" or "[v6]:port") ends in a port number.
bool HasPort(absl::string_view authority) {
  const std::size_t colon = authority.rfind(':');
  if (colon == absl::string_view::npos || colon + 1 == authority.size()) return false;
  if (authority.front() == '[' && authority.rfind(']') > colon) return false;  // "[::1]"
  if (authority.front() != '[' && authority.find(':') != colon) return false;  // bare "::1"
  const absl::string_view port = authority.substr(colon + 1);
  return std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// True for a target in gRPC's URI syntax, e.g. "dns:///host:port".
bool IsGrpcUri(absl::string_view target) {
  for (absl::string_view scheme : {"dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:"}) {
    if (absl::StartsWith(target, scheme)) return true;
  }
  return false;
}

// The contents of PEM file `path` given as --`flag`, or InvalidArgument naming both.
absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read --", flag, "=", path));
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (contents.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, "=", path, " is not a PEM file"));
  }
  return contents;
}

}  // namespace

absl::StatusOr<GrpcTarget> ParseGrpcTarget(absl::string_view target) {
  if (target.empty()) return absl::InvalidArgumentError("--target must not be empty");
  GrpcTarget out;
  absl::string_view authority = target;
  const bool http = absl::ConsumePrefix(&authority, "http://");
  const bool https = !http && absl::ConsumePrefix(&authority, "https://");
  if (http || https) {
    absl::ConsumeSuffix(&authority, "/");
    if (authority.find_first_of("/?#@") != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--target=", target, ": a gRPC target is host:port, with no path, query or user info"));
    }
    out.tls = https;
  } else if (IsGrpcUri(target)) {
    out.target = std::string(target);  // gRPC resolves it as written.
    return out;
  }
  if (!HasPort(authority)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--target=", target, " has no port: write host:port (e.g. ",
        authority.empty() ? "localhost" : authority, ":50051, the gateway's default)"));
  }
  out.target = std::string(authority);
  return out;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(const CliOptions& options) {
  absl::StatusOr<GrpcTarget> target = ParseGrpcTarget(options.target);
  if (!target.ok()) return target.status();
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate needs both --tls_cert_file and --tls_key_file");
  }
  const bool tls_files = !options.tls_ca_file.empty() || !options.tls_cert_file.empty();
  if (!options.tls && !target->tls && !tls_files) {
    return grpc::CreateChannel(target->target, grpc::InsecureChannelCredentials());
  }
  grpc::SslCredentialsOptions ssl;
  for (auto [path, flag, out] :
       {std::tuple{&options.tls_ca_file, "tls_ca_file", &ssl.pem_root_certs},
        std::tuple{&options.tls_cert_file, "tls_cert_file", &ssl.pem_cert_chain},
        std::tuple{&options.tls_key_file, "tls_key_file", &ssl.pem_private_key}}) {
    if (path->empty()) continue;
    absl::StatusOr<std::string> contents = ReadPemFile(flag, *path);
    if (!contents.ok()) return contents.status();
    *out = *std::move(contents);
  }
  return grpc::CreateChannel(target->target, grpc::SslCredentials(ssl));
}

}  // namespace hss::client
