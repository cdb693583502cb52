#include "client/cli/cli_flags.h"

#include <optional>
#include <string>

#include "absl/flags/marshalling.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace hss::client {
namespace {

// One flag: its name, default (as usage shows it), help, and the CliOptions
// field it fills (exactly one of the member pointers is set).
struct FlagSpec {
  absl::string_view name;
  absl::string_view default_text;
  absl::string_view help;
  std::string CliOptions::*text = nullptr;
  bool CliOptions::*boolean = nullptr;
  int CliOptions::*integer = nullptr;
  std::optional<int> CliOptions::*optional_integer = nullptr;
  absl::Duration CliOptions::*duration = nullptr;
};

FlagSpec Text(absl::string_view name, std::string CliOptions::*field, absl::string_view def,
              absl::string_view help) {
  return {.name = name, .default_text = def, .help = help, .text = field};
}
FlagSpec Bool(absl::string_view name, bool CliOptions::*field, absl::string_view help) {
  return {.name = name, .default_text = "false", .help = help, .boolean = field};
}
FlagSpec Int(absl::string_view name, int CliOptions::*field, absl::string_view help) {
  return {.name = name, .default_text = "0", .help = help, .integer = field};
}

// In usage order.
const std::vector<FlagSpec>& Table() {
  static const auto* const kTable = new std::vector<FlagSpec>{
      Text("target", &CliOptions::target, "127.0.0.1:50051", "gateway address, HOST:PORT"),
      Text("host_id", &CliOptions::host_id, "",
           "required: server ID (ECS instance ID or HSS host ID)"),
      Text("project_id", &CliOptions::project_id, "",
           "project ID (default: the gateway's project)"),
      Text("host_name", &CliOptions::host_name, "", "filter: server name"),
      Text("host_ip", &CliOptions::host_ip, "", "filter: server IP address"),
      {.name = "port",
       .default_text = "",
       .help = "filter: port number, 1-65535",
       .optional_integer = &CliOptions::port},
      Text("type", &CliOptions::type, "", "filter: protocol, tcp or udp"),
      Text("status", &CliOptions::status, "", "filter: port status, normal, danger or unknown"),
      Text("category", &CliOptions::category, "", "host or container ports (default: host)"),
      Text("enterprise_project_id", &CliOptions::enterprise_project_id, "",
           "enterprise project ID, or all_granted_eps (default: 0)"),
      Int("limit", &CliOptions::limit, "ports per page: 10-200 (default: the upstream's, 10)"),
      Int("offset", &CliOptions::offset, "position of the first port, 0-2000000"),
      Int("page_size", &CliOptions::page_size, "ports per upstream page: 10-200 (default: 200)"),
      Int("start_offset", &CliOptions::start_offset,
          "position where the walk starts, 0-2000000 (to resume a walk)"),
      Int("interval", &CliOptions::interval,
          "watch: seconds between polls (default: the gateway's; it may poll less often)"),
      {.name = "duration",
       .default_text = "inf",
       .help = "watch: stop after this long (e.g. 10m; default: until interrupted)",
       .duration = &CliOptions::duration},
      Text("output", &CliOptions::output, "table",
           "table or json (list); table or jsonl (stream, watch)"),
      Bool("wide", &CliOptions::wide,
           "table: keep every cell whole (on a terminal long ones are cut with …)"),
      {.name = "timeout",
       .default_text = "10s",
       .help = "list: the call's deadline; stream: the longest wait for a page (e.g. 30s, inf)",
       .duration = &CliOptions::timeout},
      Text("token_file", &CliOptions::token_file, "",
           "file holding the auth token (default: env HSS_AUTH_TOKEN)"),
      Text("token", &CliOptions::token, "",
           "auth token; visible to others in `ps`, prefer --token_file"),
      Bool("tls", &CliOptions::tls, "connect with TLS (default: plaintext)"),
      Text("tls_ca_file", &CliOptions::tls_ca_file, "",
           "PEM CA certificates that verify the gateway (default: system roots); turns TLS on"),
      Text("tls_cert_file", &CliOptions::tls_cert_file, "",
           "PEM client certificate for a gateway that requires mTLS; turns TLS on"),
      Text("tls_key_file", &CliOptions::tls_key_file, "", "PEM private key of --tls_cert_file"),
  };
  return *kTable;
}

const FlagSpec* Find(absl::string_view name) {
  for (const FlagSpec& spec : Table()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// Parses `value` into `out` as Abseil parses a flag of type T.
template <typename T>
bool Parse(absl::string_view value, T& out) {
  std::string error;
  return absl::ParseFlag(value, &out, &error);
}

}  // namespace

const std::vector<absl::string_view>& AllFlagNames() {
  static const auto* const kNames = [] {
    auto* names = new std::vector<absl::string_view>;
    for (const FlagSpec& spec : Table()) names->push_back(spec.name);
    return names;
  }();
  return *kNames;
}

absl::Status SetFlag(absl::string_view name, absl::string_view value, CliOptions& options) {
  const FlagSpec* spec = Find(name);
  if (spec == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
  absl::string_view want;
  bool ok = false;
  if (spec->text != nullptr) {
    options.*(spec->text) = std::string(value);
    ok = true;
  } else if (spec->boolean != nullptr) {
    ok = Parse(value, options.*(spec->boolean));
    want = " (want true or false)";
  } else if (spec->integer != nullptr) {
    ok = Parse(value, options.*(spec->integer));
    want = " (want an integer)";
  } else if (spec->optional_integer != nullptr) {
    ok = Parse(value, options.*(spec->optional_integer));
    want = " (want an integer)";
  } else if (spec->duration != nullptr) {
    ok = Parse(value, options.*(spec->duration));
    want = " (want a duration such as 10s, 1m30s or inf)";
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("--", name, ": invalid value \"", value, "\"", want));
}

bool IsKnownFlag(absl::string_view name) { return Find(name) != nullptr; }

bool IsBoolFlag(absl::string_view name) {
  const FlagSpec* spec = Find(name);
  return spec != nullptr && spec->boolean != nullptr;
}

std::string FlagHelp(absl::string_view name) {
  const FlagSpec* spec = Find(name);
  return spec == nullptr ? "" : std::string(spec->help);
}

std::string FlagDefault(absl::string_view name) {
  const FlagSpec* spec = Find(name);
  return spec == nullptr ? "" : std::string(spec->default_text);
}

}  // namespace hss::client
