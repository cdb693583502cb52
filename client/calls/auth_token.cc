#include "client/calls/auth_token.h"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hss::client {
namespace {

constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read --token_file ", path, ": ", std::strerror(errno)));
  }
  std::string content;
  char buffer[4096];
  while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > kMaxTokenFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token_file ", path, " is larger than 64 KiB"));
    }
  }
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat("cannot read --token_file ", path));
  return std::string(absl::StripAsciiWhitespace(content));
}

// gRPC accepts only printable ASCII (0x20-0x7E) in a text metadata value.
bool IsValidMetadataValue(absl::string_view value) {
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

absl::string_view OriginName(AuthTokenOrigin origin) {
  switch (origin) {
    case AuthTokenOrigin::kEnv:
      return "HSS_AUTH_TOKEN";
    case AuthTokenOrigin::kFile:
      return "--token_file";
    case AuthTokenOrigin::kFlag:
      return "--token";
  }
  return "";
}

}  // namespace

absl::StatusOr<std::optional<AuthToken>> ResolveAuthToken(const AuthTokenSources& sources) {
  if (!sources.flag.empty() && !sources.file.empty()) {
    return absl::InvalidArgumentError("give either --token or --token_file, not both");
  }
  AuthToken token;
  if (!sources.flag.empty()) {
    token = {sources.flag, AuthTokenOrigin::kFlag};
  } else if (!sources.file.empty()) {
    absl::StatusOr<std::string> content = ReadTokenFile(sources.file);
    if (!content.ok()) return content.status();
    if (content->empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--token_file ", sources.file, " is empty"));
    }
    token = {*std::move(content), AuthTokenOrigin::kFile};
  } else if (sources.env.has_value() && !sources.env->empty()) {
    token = {*sources.env, AuthTokenOrigin::kEnv};
  } else {
    return std::nullopt;
  }
  if (!IsValidMetadataValue(token.value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the token from ", OriginName(token.origin),
                     " has characters other than printable ASCII; a gRPC metadata value "
                     "cannot carry them"));
  }
  return token;
}

}  // namespace hss::client
