#include "client/cli/commands.h"

#include <algorithm>

namespace hss::client {

const std::vector<CommandSpec>& AllCommands() {
  static const auto* const kCommands = new std::vector<CommandSpec>{
      {
          .name = "list",
          .synopsis = "--host_id=ID [flags]",
          .summary = "Prints one page of a server's open ports (PortService.ListPorts).",
          .details = "Output: an aligned table and the line `N of TOTAL ports (offset O)`, or\n"
                     "with --output=json the ListPortsResponse as JSON (proto field names).\n"
                     "On a terminal, long table cells are shortened with … to fit its width\n"
                     "(--wide keeps them whole). --timeout is the deadline of the call.",
          .flags = {"target",      "host_id", "project_id", "host_name",   "host_ip",
                    "port",        "type",    "status",     "category",    "enterprise_project_id",
                    "limit",       "offset",  "output",     "wide",        "timeout",
                    "token_file",  "token",   "tls",        "tls_ca_file", "tls_cert_file",
                    "tls_key_file"},
      },
      {
          .name = "stream",
          .synopsis = "--host_id=ID [flags]",
          .summary = "Prints all of a server's open ports as the pages arrive "
                     "(PortService.StreamPorts).",
          .details = "Output: table rows, or with --output=jsonl one JSON object per port and\n"
                     "line. On a terminal, long table cells are shortened with … to fit its\n"
                     "width (--wide keeps them whole). When stderr is a terminal a progress\n"
                     "line is drawn there. --timeout is the longest wait for the next page.\n"
                     "If the walk fails, the error is followed by the command that resumes it\n"
                     "(--start_offset=<resumeOffset>).",
          .flags =
              {"target",      "host_id",      "project_id", "host_name",   "host_ip",
               "port",        "type",         "status",     "category",    "enterprise_project_id",
               "page_size",   "start_offset", "output",     "wide",        "timeout",
               "token_file",  "token",        "tls",        "tls_ca_file", "tls_cert_file",
               "tls_key_file"},
      },
      {
          .name = "watch",
          .synopsis = "--host_id=ID [flags]",
          .summary = "Prints a server's open ports, then every change as it is found "
                     "(PortService.WatchPorts).",
          .details = "Output: a table with a KIND column (ADDED, MODIFIED, REMOVED), one row per\n"
                     "change, a `-- reset` line when the ports held are to be discarded and a\n"
                     "`-- synced: N ports` line when a poll is complete; or with --output=jsonl\n"
                     "each WatchPortsResponse as one JSON object per line. Lines are written as\n"
                     "they come. Runs until the gateway ends the watch, --duration passes\n"
                     "(exit 0) or the process is interrupted (Ctrl-C).",
          .flags = {"target",   "host_id",  "project_id",  "host_name",     "host_ip",
                    "port",     "type",     "status",      "category",      "enterprise_project_id",
                    "interval", "duration", "output",      "wide",          "token_file",
                    "token",    "tls",      "tls_ca_file", "tls_cert_file", "tls_key_file"},
      },
  };
  return *kCommands;
}

const CommandSpec* FindCommand(absl::string_view name) {
  for (const CommandSpec& command : AllCommands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

bool AcceptsFlag(const CommandSpec& command, absl::string_view flag) {
  return std::find(command.flags.begin(), command.flags.end(), flag) != command.flags.end();
}

}  // namespace hss::client
