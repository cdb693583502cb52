#ifndef HSS_CLIENT_CLI_COMMANDS_H_
#define HSS_CLIENT_CLI_COMMANDS_H_

// The subcommands of hss-ports and the flags each accepts.

#include <vector>

#include "absl/strings/string_view.h"

namespace hss::client {

// One subcommand of hss-ports.
struct CommandSpec {
  // The word that selects it, e.g. "list".
  absl::string_view name;
  // The arguments shown after the name in usage, e.g. "--host_id=ID [flags]".
  absl::string_view synopsis;
  // One line on what it does.
  absl::string_view summary;
  // Further paragraphs of help; may be empty.
  absl::string_view details;
  // The flags it accepts, in usage order.
  std::vector<absl::string_view> flags;
};

// Every subcommand, in usage order.
const std::vector<CommandSpec>& AllCommands();

// The subcommand named `name`; nullptr if there is none.
const CommandSpec* FindCommand(absl::string_view name);

// True if `command` accepts the flag `flag`.
bool AcceptsFlag(const CommandSpec& command, absl::string_view flag);

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_COMMANDS_H_
