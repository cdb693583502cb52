#include "client/cli/cli.h"

#include <cstddef>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "client/calls/auth_token.h"
#include "client/calls/call_settings.h"
#include "client/calls/channel_factory.h"
#include "client/calls/list_command.h"
#include "client/calls/request_builder.h"
#include "client/calls/stream_command.h"
#include "client/calls/watch_command.h"
#include "client/cli/cli_flags.h"
#include "client/cli/command_line.h"
#include "client/cli/commands.h"
#include "client/cli/resume_command.h"
#include "client/cli/usage.h"
#include "client/exit_code.h"
#include "client/output/output_format.h"
#include "client/output/terminal_text.h"
#include "common/flags_usage.h"
#include "hss/ports/v1/ports.grpc.pb.h"

namespace hss::client {

using ::hss::ProjectVersion;
namespace {

constexpr absl::string_view kTokenFlagWarning =
    "warning: --token is visible to other users (ps, /proc); prefer HSS_AUTH_TOKEN or "
    "--token_file\n";

int UsageError(const absl::Status& status, absl::string_view program, absl::string_view command,
               std::ostream& err) {
  err << "error: " << EscapeForTerminal(status.message()) << "\n"
      << "Run '" << program << (command.empty() ? "" : " ") << command << " --help' for usage.\n";
  return kExitUsage;
}

// The width table lines are fitted to: the terminal's when stdout is one and
// --wide is not given; otherwise 0 (cells stay whole).
std::size_t TableWidth(const CliEnvironment& env, const CliOptions& options) {
  if (options.wide || !env.stdout_is_terminal || env.terminal_columns <= 0) return 0;
  return static_cast<std::size_t>(env.terminal_columns);
}

}  // namespace

int RunCli(int argc, char** argv, const CliEnvironment& env, std::ostream& out, std::ostream& err) {
  const std::string program = argc > 0 && argv[0] != nullptr ? argv[0] : "hss-ports";
  if (argc <= 1) {
    err << ProgramUsage(program);
    return kExitUsage;
  }
  absl::StatusOr<CommandLine> line = ParseCommandLine(argc, argv);
  if (!line.ok()) {
    absl::string_view command;  // For the help hint: the first word naming a command.
    for (int i = 1; i < argc && command.empty(); ++i) {
      if (FindCommand(argv[i]) != nullptr) command = argv[i];
    }
    return UsageError(line.status(), program, command, err);
  }
  ScrubTokenArgs(*line, argv);
  const std::string& command = line->command;
  if (line->version) {
    out << "hss-ports " << ProjectVersion() << "\n";
    return kExitOk;
  }
  if (line->help) {
    const CommandSpec* spec = FindCommand(command);
    out << (spec == nullptr ? ProgramUsage(program) : CommandUsage(program, *spec));
    return kExitOk;
  }
  const auto usage_error = [&](const absl::Status& status) {
    return UsageError(status, program, command, err);
  };

  absl::StatusOr<CliOptions> applied = ApplyFlags(*line);
  if (!applied.ok()) return usage_error(applied.status());
  const CliOptions& options = *applied;
  absl::StatusOr<OutputFormat> format = ParseOutputFormat(command, options.output);
  if (!format.ok()) return usage_error(format.status());
  if (options.timeout <= absl::ZeroDuration()) {
    return usage_error(absl::InvalidArgumentError("--timeout must be positive (or inf)"));
  }
  absl::StatusOr<std::optional<AuthToken>> token =
      ResolveAuthToken({env.auth_token, options.token_file, options.token});
  if (!token.ok()) return usage_error(token.status());

  CallSettings settings;
  settings.timeout = options.timeout;
  if (token->has_value()) {
    if ((*token)->origin == AuthTokenOrigin::kFlag) err << kTokenFlagWarning;
    settings.auth_token = std::move((*token)->value);
  }

  if (command == "list") {
    absl::StatusOr<hss::ports::v1::ListPortsRequest> request = BuildListPortsRequest(options);
    if (!request.ok()) return usage_error(request.status());
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
    if (!channel.ok()) return usage_error(channel.status());
    auto stub = hss::ports::v1::PortService::NewStub(*channel);
    return RunList(*stub, *request, settings, *format, out, err, TableWidth(env, options));
  }

  if (command == "watch") {
    if (options.duration <= absl::ZeroDuration()) {
      return usage_error(absl::InvalidArgumentError("--duration must be positive (or inf)"));
    }
    absl::StatusOr<hss::ports::v1::WatchPortsRequest> request = BuildWatchPortsRequest(options);
    if (!request.ok()) return usage_error(request.status());
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
    if (!channel.ok()) return usage_error(channel.status());
    auto stub = hss::ports::v1::PortService::NewStub(*channel);
    return RunWatch(*stub, *request, settings, *format, options.duration, TableWidth(env, options),
                    out, err);
  }

  absl::StatusOr<hss::ports::v1::StreamPortsRequest> request = BuildStreamPortsRequest(options);
  if (!request.ok()) return usage_error(request.status());
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = MakeChannel(options);
  if (!channel.ok()) return usage_error(channel.status());
  auto stub = hss::ports::v1::PortService::NewStub(*channel);
  StreamUi ui;
  ui.progress = env.stderr_is_terminal;
  ui.columns = env.terminal_columns;
  ui.table_width = TableWidth(env, options);
  ui.resume_command = [&line](std::int32_t offset) { return ResumeCommand(*line, offset); };
  ui.token_flag_omitted = HasTokenFlag(*line);
  return RunStream(*stub, *request, settings, *format, ui, out, err);
}

}  // namespace hss::client
