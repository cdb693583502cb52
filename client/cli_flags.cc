#include "client/cli_flags.h"

#include <optional>
#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

// Connection and output.
ABSL_FLAG(std::string, target, "127.0.0.1:50051", "gateway address, HOST:PORT");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(10),
          "list: the call's deadline; stream: the longest wait for a page (e.g. 30s, inf)");
ABSL_FLAG(std::string, output, "table", "table or json (list); table or jsonl (stream)");
ABSL_FLAG(bool, wide, false,
          "table: keep every cell whole (on a terminal long ones are cut with …)");
ABSL_FLAG(std::string, token, "", "auth token; visible to others in `ps`, prefer --token_file");
ABSL_FLAG(std::string, token_file, "", "file holding the auth token (default: env HSS_AUTH_TOKEN)");
ABSL_FLAG(bool, tls, false, "connect with TLS (default: plaintext)");
ABSL_FLAG(std::string, tls_ca_file, "",
          "PEM CA certificates that verify the gateway (default: system roots); turns TLS on");
ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM client certificate for a gateway that requires mTLS; turns TLS on");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");

// Request fields.
ABSL_FLAG(std::string, project_id, "", "project ID (default: the gateway's project)");
ABSL_FLAG(std::string, host_id, "", "required: server ID (ECS instance ID or HSS host ID)");
ABSL_FLAG(std::string, host_name, "", "filter: server name");
ABSL_FLAG(std::string, host_ip, "", "filter: server IP address");
ABSL_FLAG(std::optional<int>, port, std::nullopt, "filter: port number, 1-65535");
ABSL_FLAG(std::string, type, "", "filter: protocol, tcp or udp");
ABSL_FLAG(std::string, status, "", "filter: port status, normal, danger or unknown");
ABSL_FLAG(std::string, enterprise_project_id, "",
          "enterprise project ID, or all_granted_eps (default: 0)");
ABSL_FLAG(std::string, category, "", "host or container ports (default: host)");
ABSL_FLAG(int, limit, 0, "ports per page: 10-200 (default: the upstream's, 10)");
ABSL_FLAG(int, offset, 0, "position of the first port, 0-2000000");
ABSL_FLAG(int, page_size, 0, "ports per upstream page: 10-200 (default: 200)");
ABSL_FLAG(int, start_offset, 0, "position where the walk starts, 0-2000000 (to resume a walk)");

namespace hss::client {
namespace {

absl::CommandLineFlag* Find(absl::string_view name) {
  for (absl::string_view known : AllFlagNames()) {
    if (known == name) return absl::FindCommandLineFlag(name);
  }
  return nullptr;
}

}  // namespace

const std::vector<absl::string_view>& AllFlagNames() {
  static const auto* const kNames = new std::vector<absl::string_view>{
      "target",      "host_id",       "project_id",   "host_name",    "host_ip",
      "port",        "type",          "status",       "category",     "enterprise_project_id",
      "limit",       "offset",        "page_size",    "start_offset", "output",
      "wide",        "timeout",       "token_file",   "token",        "tls",
      "tls_ca_file", "tls_cert_file", "tls_key_file",
  };
  return *kNames;
}

void ResetFlagsToDefaults() {
  for (absl::string_view name : AllFlagNames()) {
    absl::CommandLineFlag* flag = Find(name);
    std::string error;
    if (flag != nullptr) flag->ParseFrom(flag->DefaultValue(), &error);
  }
}

absl::Status SetFlagFromText(absl::string_view name, absl::string_view value) {
  absl::CommandLineFlag* flag = Find(name);
  if (flag == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
  std::string error;
  if (flag->ParseFrom(value, &error)) return absl::OkStatus();
  absl::string_view want = "";
  if (flag->IsOfType<bool>()) {
    want = " (want true or false)";
  } else if (flag->IsOfType<int>() || flag->IsOfType<std::optional<int>>()) {
    want = " (want an integer)";
  } else if (flag->IsOfType<absl::Duration>()) {
    want = " (want a duration such as 10s, 1m30s or inf)";
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--", name, ": invalid value \"", value, "\"", want));
}

bool IsKnownFlag(absl::string_view name) { return Find(name) != nullptr; }

bool IsBoolFlag(absl::string_view name) {
  absl::CommandLineFlag* flag = Find(name);
  return flag != nullptr && flag->IsOfType<bool>();
}

std::string FlagHelp(absl::string_view name) {
  absl::CommandLineFlag* flag = Find(name);
  return flag == nullptr ? "" : flag->Help();
}

std::string FlagDefault(absl::string_view name) {
  absl::CommandLineFlag* flag = Find(name);
  return flag == nullptr ? "" : flag->DefaultValue();
}

CliOptions OptionsFromFlags() {
  CliOptions o;
  o.target = absl::GetFlag(FLAGS_target);
  o.timeout = absl::GetFlag(FLAGS_timeout);
  o.output = absl::GetFlag(FLAGS_output);
  o.wide = absl::GetFlag(FLAGS_wide);
  o.token = absl::GetFlag(FLAGS_token);
  o.token_file = absl::GetFlag(FLAGS_token_file);
  o.tls = absl::GetFlag(FLAGS_tls);
  o.tls_ca_file = absl::GetFlag(FLAGS_tls_ca_file);
  o.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  o.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  o.project_id = absl::GetFlag(FLAGS_project_id);
  o.host_id = absl::GetFlag(FLAGS_host_id);
  o.host_name = absl::GetFlag(FLAGS_host_name);
  o.host_ip = absl::GetFlag(FLAGS_host_ip);
  o.enterprise_project_id = absl::GetFlag(FLAGS_enterprise_project_id);
  o.port = absl::GetFlag(FLAGS_port);
  o.type = absl::GetFlag(FLAGS_type);
  o.status = absl::GetFlag(FLAGS_status);
  o.category = absl::GetFlag(FLAGS_category);
  o.limit = absl::GetFlag(FLAGS_limit);
  o.offset = absl::GetFlag(FLAGS_offset);
  o.page_size = absl::GetFlag(FLAGS_page_size);
  o.start_offset = absl::GetFlag(FLAGS_start_offset);
  return o;
}

}  // namespace hss::client
