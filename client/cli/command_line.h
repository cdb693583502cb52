#ifndef HSS_CLIENT_CLI_COMMAND_LINE_H_
#define HSS_CLIENT_CLI_COMMAND_LINE_H_

// Splitting hss-ports's argv into a subcommand and its flags.
//
// Abseil's ParseCommandLine() is not used: it exits with status 1 on an unknown
// flag or bad value and after --help, and it knows nothing of subcommands.
// This parser accepts the same flag syntax (`--name=value`, `--name value`,
// `-name`, `--bool`, `--nobool`, `--` ends the flags) and leaves the decision
// (exit status, which usage to print) to the caller.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli_options.h"

namespace hss::client {

// One element of the command line as the parser grouped it.
struct ArgToken {
  // What the element is.
  enum class Kind {
    kFlag,        // `--name=value`, `--name value`, `--bool` or `--nobool`.
    kPositional,  // A subcommand or other bare word.
    kEndOfFlags,  // `--`.
  };
  // What the element is.
  Kind kind = Kind::kPositional;
  // kFlag: the flag's name without dashes or "no" prefix; otherwise empty.
  std::string name;
  // kFlag: the value to set ("true"/"false" for a bare boolean); kPositional:
  // the word itself.
  std::string value;
  // Index in argv of the token's first element.
  int first_arg = 0;
  // Number of argv elements: 2 for `--name value`, otherwise 1.
  int arg_count = 1;
  // kFlag: index in argv of the element holding the value and the byte offset
  // of the value inside it; -1 for a bare boolean.
  int value_arg = -1;
  std::size_t value_pos = 0;
};

// A parsed command line.
struct CommandLine {
  // argv as given; args[0] is the program name.
  std::vector<std::string> args;
  // Every element after args[0], grouped.
  std::vector<ArgToken> tokens;
  // The subcommand ("list", "stream"), or "" if none was given. With `help`
  // set, the command help is asked for ("" for the program's usage).
  std::string command;
  // True for `--help`, `-h` or `help [COMMAND]`.
  bool help = false;
  // True for `--version`.
  bool version = false;
};

// Parses `argv[0..argc)`. Returns InvalidArgument with a one-line message for
// an unknown command or flag, a flag the command does not accept, a missing
// value, a malformed boolean or a stray argument. A help request is returned
// even if the rest of the line is invalid. Flag values are not checked here.
absl::StatusOr<CommandLine> ParseCommandLine(int argc, const char* const* argv);

// The options `line` gives: CliOptions's defaults, then each flag of `line` in
// order (a repeated flag: the last one wins). Returns InvalidArgument naming
// the flag if a value does not parse (e.g. `--port=http`).
absl::StatusOr<CliOptions> ApplyFlags(const CommandLine& line);

// Overwrites the value of every `--token` in `argv` with 'x' characters, so
// that the token no longer shows in `ps` or /proc/<pid>/cmdline. `line` must
// have been parsed from this `argv`.
void ScrubTokenArgs(const CommandLine& line, char** argv);

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_COMMAND_LINE_H_
