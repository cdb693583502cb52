#include "server/config/gateway_options.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace hss::gateway {

std::string GetEnv(absl::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  return value == nullptr ? "" : value;
}

absl::StatusOr<std::string> EndpointForRegion(absl::string_view region, EnvLookup env) {
  if (region.empty() || region.size() > 64) {
    return absl::InvalidArgumentError("--region must be a Huawei Cloud region, e.g. cn-north-4");
  }
  for (char c : region) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
      return absl::InvalidArgumentError(absl::StrCat(
          "--region may only hold letters, digits and '-', e.g. cn-north-4; got \"", region, "\""));
    }
  }
  std::string override_var =
      absl::StrCat("HUAWEICLOUD_SDK_REGION_HSS_",
                   absl::AsciiStrToUpper(absl::StrReplaceAll(region, {{"-", "_"}})));
  if (std::string value = env(override_var); !value.empty()) return value;
  const std::string lower = absl::AsciiStrToLower(region);
  if (lower == "eu-west-101") return std::string("https://hss.eu-west-101.myhuaweicloud.eu");
  return absl::StrCat("https://hss.", lower, ".myhuaweicloud.com");
}

std::string IamEndpointForRegion(absl::string_view region) {
  if (region.empty()) return "https://iam.myhuaweicloud.com";
  const std::string lower = absl::AsciiStrToLower(region);
  if (lower == "eu-west-101") return "https://iam.eu-west-101.myhuaweicloud.eu";
  return absl::StrCat("https://iam.", lower, ".myhuaweicloud.com");
}

CredentialsConfig CredentialsConfigFrom(const GatewayOptions& options) {
  CredentialsConfig config;
  config.mode = options.auth;
  config.token = options.token;
  config.sdk = options.sdk;
  config.default_project_id = options.default_project_id;
  config.iam_endpoint = options.iam_endpoint;
  config.iam_user = options.iam_user;
  config.iam_domain = options.iam_domain;
  config.iam_project = options.iam_project;
  config.iam_password = options.iam_password;
  config.iam_password_file = options.iam_password_file;
  config.request_timeout = options.upstream_timeout;
  return config;
}

}  // namespace hss::gateway
