#include "client/cli/usage.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/cli/cli_flags.h"

namespace hss::client {
namespace {

constexpr absl::string_view kAuthAndExit =
    "Authentication: the token is sent to the gateway as x-auth-token metadata. It is\n"
    "read from --token_file, else from the environment variable HSS_AUTH_TOKEN. --token\n"
    "also works but is visible to other users in `ps`. The token is never printed.\n"
    "\n"
    "Exit status: 0 success; 1 the call failed (the error and its details are printed\n"
    "to stderr); 2 usage error (bad command, flag or value; unreadable token file).\n";

// The placeholder shown after `--name=` in usage; empty for boolean flags.
absl::string_view Placeholder(absl::string_view flag) {
  if (IsBoolFlag(flag)) return "";
  if (flag == "target") return "HOST:PORT";
  if (flag == "port" || flag == "limit" || flag == "offset" || flag == "page_size" ||
      flag == "start_offset") {
    return "N";
  }
  if (flag == "type") return "tcp|udp";
  if (flag == "status") return "normal|danger|unknown";
  if (flag == "category") return "host|container";
  if (flag == "timeout") return "DURATION";
  if (flag == "token_file" || flag == "tls_ca_file" || flag == "tls_cert_file" ||
      flag == "tls_key_file") {
    return "PATH";
  }
  if (flag == "output") return "FORMAT";
  if (flag == "host_ip") return "IP";
  if (flag == "host_name") return "NAME";
  if (flag == "token") return "TOKEN";
  return "ID";
}

}  // namespace

std::string ProgramUsage(absl::string_view program) {
  std::string out = absl::StrCat(
      "hss-ports: the open ports of a server, from Huawei Cloud HSS through hss-gateway.\n\n",
      "Usage:\n");
  for (const CommandSpec& command : AllCommands()) {
    absl::StrAppend(&out, "  ", program, " ", command.name, " ", command.synopsis, "\n      ",
                    command.summary, "\n");
  }
  absl::StrAppend(&out, "  ", program, " COMMAND --help\n      Lists the flags of COMMAND.\n\n",
                  kAuthAndExit);
  return out;
}

std::string CommandUsage(absl::string_view program, const CommandSpec& command) {
  std::string out = absl::StrCat("Usage: ", program, " ", command.name, " ", command.synopsis,
                                 "\n\n", command.summary, "\n");
  if (!command.details.empty()) absl::StrAppend(&out, command.details, "\n");
  absl::StrAppend(&out, "\nFlags:\n");

  std::vector<std::string> names;
  std::size_t width = 0;
  for (absl::string_view flag : command.flags) {
    const absl::string_view placeholder = Placeholder(flag);
    names.push_back(placeholder.empty() ? absl::StrCat("--", flag)
                                        : absl::StrCat("--", flag, "=", placeholder));
    width = std::max(width, names.back().size());
  }
  for (std::size_t i = 0; i < command.flags.size(); ++i) {
    const absl::string_view flag = command.flags[i];
    std::string help = FlagHelp(flag);
    const std::string default_value = FlagDefault(flag);
    if (!default_value.empty() && default_value != "false" && default_value != "0") {
      absl::StrAppend(&help, " [default ", default_value, "]");
    }
    absl::StrAppendFormat(&out, "  %-*s  %s\n", static_cast<int>(width), names[i], help);
  }
  absl::StrAppend(&out, "\n", kAuthAndExit);
  return out;
}

}  // namespace hss::client
