#include "client/cli/resume_command.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "client/output/shell_quote.h"

namespace hss::client {
namespace {

bool IsDropped(const ArgToken& token) {
  return token.kind == ArgToken::Kind::kFlag &&
         (token.name == "start_offset" || token.name == "token");
}

}  // namespace

std::string ResumeCommand(const CommandLine& line, std::int32_t start_offset) {
  std::vector<std::string> args;
  if (!line.args.empty()) args.push_back(line.args[0]);
  const std::string resume_flag = absl::StrCat("--start_offset=", start_offset);
  bool added = false;
  for (const ArgToken& token : line.tokens) {
    if (token.kind == ArgToken::Kind::kEndOfFlags && !added) {
      args.push_back(resume_flag);
      added = true;
    }
    if (IsDropped(token)) continue;
    for (int i = token.first_arg; i < token.first_arg + token.arg_count; ++i) {
      args.push_back(line.args[static_cast<std::size_t>(i)]);
    }
  }
  if (!added) args.push_back(resume_flag);
  return ShellJoin(args);
}

bool HasTokenFlag(const CommandLine& line) {
  for (const ArgToken& token : line.tokens) {
    if (token.kind == ArgToken::Kind::kFlag && token.name == "token") return true;
  }
  return false;
}

}  // namespace hss::client
