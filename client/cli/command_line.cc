#include "client/cli/command_line.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "client/cli/cli_flags.h"
#include "client/cli/commands.h"

namespace hss::client {
namespace {

std::string CommandNames() {
  std::vector<std::string> names;
  for (const CommandSpec& command : AllCommands()) names.emplace_back(command.name);
  // "list, stream or watch".
  std::string last = names.back();
  names.pop_back();
  return names.empty() ? last : absl::StrCat(absl::StrJoin(names, ", "), " or ", last);
}

std::string UnknownFlagMessage(absl::string_view name) {
  std::string message = absl::StrCat("unknown flag --", name);
  std::string underscored(name);
  std::replace(underscored.begin(), underscored.end(), '-', '_');
  if (underscored != name && IsKnownFlag(underscored)) {
    absl::StrAppend(&message, " (did you mean --", underscored, "?)");
  }
  return message;
}

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(int argc, const char* const* argv) {
  CommandLine line;
  for (int i = 0; i < argc; ++i) line.args.emplace_back(argv[i] != nullptr ? argv[i] : "");

  absl::Status first_error;
  const auto fail = [&](std::string message) {
    if (first_error.ok()) first_error = absl::InvalidArgumentError(std::move(message));
  };
  std::vector<const ArgToken*> positionals;
  bool flags_ended = false;
  for (int i = 1; i < argc; ++i) {
    const std::string& arg = line.args[i];
    ArgToken token;
    token.first_arg = i;
    if (!flags_ended && arg == "--") {
      token.kind = ArgToken::Kind::kEndOfFlags;
      flags_ended = true;
      line.tokens.push_back(std::move(token));
      continue;
    }
    if (flags_ended || arg.size() < 2 || arg[0] != '-') {
      token.kind = ArgToken::Kind::kPositional;
      token.value = arg;
      line.tokens.push_back(std::move(token));
      continue;
    }

    const std::size_t dashes = arg[1] == '-' ? 2 : 1;
    const std::size_t eq = arg.find('=', dashes);
    const std::string name = arg.substr(dashes, eq == std::string::npos ? eq : eq - dashes);
    if (name == "help" || name == "h") {
      line.help = true;
      continue;
    }
    if (name == "version") {
      line.version = true;
      continue;
    }
    token.kind = ArgToken::Kind::kFlag;
    token.name = name;
    if (!IsKnownFlag(name) && absl::StartsWith(name, "no") && IsBoolFlag(name.substr(2))) {
      token.name = name.substr(2);
      token.value = "false";
      if (eq != std::string::npos) fail(absl::StrCat("--", name, " takes no value"));
    } else if (!IsKnownFlag(name)) {
      fail(UnknownFlagMessage(name));
    } else if (eq != std::string::npos) {
      token.value = arg.substr(eq + 1);
      token.value_arg = i;
      token.value_pos = eq + 1;
    } else if (IsBoolFlag(name)) {
      token.value = "true";
    } else if (i + 1 < argc) {
      ++i;
      token.value = line.args[i];
      token.arg_count = 2;
      token.value_arg = i;
      token.value_pos = 0;
    } else {
      fail(absl::StrCat("--", name, " needs a value"));
    }
    line.tokens.push_back(std::move(token));
  }

  for (const ArgToken& token : line.tokens) {
    if (token.kind == ArgToken::Kind::kPositional) positionals.push_back(&token);
  }
  std::size_t command_index = 0;
  if (!positionals.empty() && positionals[0]->value == "help") {
    line.help = true;
    command_index = 1;
  }
  if (positionals.size() > command_index) line.command = positionals[command_index]->value;
  const CommandSpec* command = FindCommand(line.command);
  if (!line.command.empty() && command == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown command \"", line.command, "\" (want ", CommandNames(), ")"));
  }
  if (line.help || line.version) return line;

  if (command == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("missing command: ", CommandNames()));
  }
  if (positionals.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", positionals[1]->value, "\""));
  }
  if (!first_error.ok()) return first_error;
  for (const ArgToken& token : line.tokens) {
    if (token.kind == ArgToken::Kind::kFlag && !AcceptsFlag(*command, token.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", token.name, " does not apply to ", command->name));
    }
  }
  return line;
}

absl::StatusOr<CliOptions> ApplyFlags(const CommandLine& line) {
  CliOptions options;
  for (const ArgToken& token : line.tokens) {
    if (token.kind != ArgToken::Kind::kFlag) continue;
    if (absl::Status status = SetFlag(token.name, token.value, options); !status.ok()) {
      return status;
    }
  }
  return options;
}

void ScrubTokenArgs(const CommandLine& line, char** argv) {
  for (const ArgToken& token : line.tokens) {
    if (token.kind != ArgToken::Kind::kFlag || token.name != "token" || token.value_arg < 0) {
      continue;
    }
    char* value = argv[token.value_arg];
    const std::size_t length = std::strlen(value);
    if (token.value_pos < length) {
      std::memset(value + token.value_pos, 'x', length - token.value_pos);
    }
  }
}

}  // namespace hss::client
