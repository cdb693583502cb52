#include "client/cli/command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/calls/request_builder.h"
#include "client/cli/cli_flags.h"
#include "client/cli_options.h"
#include "client/output/output_format.h"

namespace hss::client {
namespace {

absl::StatusOr<CommandLine> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "hss-ports");
  return ParseCommandLine(static_cast<int>(args.size()), args.data());
}

// Parses `args`, applies the flags and returns the options they give.
absl::StatusOr<CliOptions> OptionsFor(std::vector<const char*> args) {
  absl::StatusOr<CommandLine> line = Parse(std::move(args));
  if (!line.ok()) return line.status();
  return ApplyFlags(*line);
}

class CommandLineTest : public testing::Test {};

TEST_F(CommandLineTest, GroupsFlagsAndValues) {
  absl::StatusOr<CommandLine> line =
      Parse({"list", "--host_id=a", "--port", "80", "-type=tcp", "--tls", "--notls"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->command, "list");
  EXPECT_FALSE(line->help);
  ASSERT_EQ(line->tokens.size(), 6u);
  EXPECT_EQ(line->tokens[0].kind, ArgToken::Kind::kPositional);
  EXPECT_EQ(line->tokens[1].name, "host_id");
  EXPECT_EQ(line->tokens[1].value, "a");
  EXPECT_EQ(line->tokens[2].name, "port");
  EXPECT_EQ(line->tokens[2].value, "80");
  EXPECT_EQ(line->tokens[2].arg_count, 2);
  EXPECT_EQ(line->tokens[3].name, "type");
  EXPECT_EQ(line->tokens[4].value, "true");
  EXPECT_EQ(line->tokens[5].name, "tls");
  EXPECT_EQ(line->tokens[5].value, "false");
}

TEST_F(CommandLineTest, AcceptsTheCommandAnywhere) {
  absl::StatusOr<CommandLine> line = Parse({"--host_id=a", "stream"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->command, "stream");
}

TEST_F(CommandLineTest, RecognizesHelpRequests) {
  for (const auto& args : std::vector<std::vector<const char*>>{{"--help"},
                                                                {"-h"},
                                                                {"help"},
                                                                {"list", "--help"},
                                                                {"help", "list"},
                                                                {"list", "--bogus", "-help"}}) {
    absl::StatusOr<CommandLine> line = Parse(args);
    ASSERT_TRUE(line.ok()) << line.status();
    EXPECT_TRUE(line->help);
  }
  EXPECT_EQ(Parse({"help", "stream"})->command, "stream");
  EXPECT_EQ(Parse({"--help"})->command, "");
}

TEST_F(CommandLineTest, ReportsUsageErrors) {
  const auto error = [](std::vector<const char*> args) {
    return std::string(Parse(std::move(args)).status().message());
  };
  EXPECT_EQ(error({"--host_id=a"}), "missing command: list, stream or watch");
  EXPECT_EQ(error({"lst"}), "unknown command \"lst\" (want list, stream or watch)");
  EXPECT_EQ(error({"list", "extra"}), "unexpected argument \"extra\"");
  EXPECT_EQ(error({"list", "--bogus=1"}), "unknown flag --bogus");
  EXPECT_EQ(error({"list", "--host-id=a"}), "unknown flag --host-id (did you mean --host_id?)");
  EXPECT_EQ(error({"list", "--host_id"}), "--host_id needs a value");
  EXPECT_EQ(error({"list", "--notls=1"}), "--notls takes no value");
  EXPECT_EQ(error({"list", "--page_size=10"}), "--page_size does not apply to list");
  EXPECT_EQ(error({"stream", "--offset=10"}), "--offset does not apply to stream");
}

TEST_F(CommandLineTest, EndOfFlagsMakesTheRestPositional) {
  absl::StatusOr<CommandLine> line = Parse({"--host_id=a", "--", "list"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->command, "list");
  EXPECT_EQ(line->tokens[1].kind, ArgToken::Kind::kEndOfFlags);
  EXPECT_EQ(Parse({"list", "--", "--port=1"}).status().message(),
            "unexpected argument \"--port=1\"");
}

TEST_F(CommandLineTest, DefaultsMatchCliOptions) {
  absl::StatusOr<CliOptions> options = OptionsFor({"list"});
  ASSERT_TRUE(options.ok()) << options.status();
  const CliOptions defaults;
  EXPECT_EQ(options->target, defaults.target);
  EXPECT_EQ(options->timeout, defaults.timeout);
  EXPECT_EQ(options->output, defaults.output);
  EXPECT_EQ(options->port, std::nullopt);
  EXPECT_EQ(options->limit, 0);
  EXPECT_FALSE(options->tls);
}

TEST_F(CommandLineTest, PortFlagMapsToTheOptionalField) {
  absl::StatusOr<CliOptions> unset = OptionsFor({"list", "--host_id=a"});
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_FALSE(BuildListPortsRequest(*unset)->has_port());

  absl::StatusOr<CliOptions> set = OptionsFor({"list", "--host_id=a", "--port=22"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->port, 22);
  EXPECT_TRUE(BuildListPortsRequest(*set)->has_port());

  // An empty value unsets the flag again; the last occurrence wins.
  absl::StatusOr<CliOptions> cleared = OptionsFor({"list", "--host_id=a", "--port=22", "--port="});
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_EQ(cleared->port, std::nullopt);
}

TEST_F(CommandLineTest, EnumFlagsReachTheRequest) {
  absl::StatusOr<CliOptions> options =
      OptionsFor({"stream", "--host_id=a", "--type=udp", "--status=normal", "--category=host"});
  ASSERT_TRUE(options.ok()) << options.status();
  absl::StatusOr<hss::ports::v1::StreamPortsRequest> request = BuildStreamPortsRequest(*options);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->type(), hss::ports::v1::PROTOCOL_UDP);
  EXPECT_EQ(request->status(), hss::ports::v1::PORT_STATUS_NORMAL);
  EXPECT_EQ(request->category(), hss::ports::v1::CATEGORY_HOST);
}

TEST_F(CommandLineTest, RejectsValuesThatDoNotParse) {
  EXPECT_EQ(OptionsFor({"list", "--port=http"}).status().message(),
            "--port: invalid value \"http\" (want an integer)");
  EXPECT_EQ(OptionsFor({"list", "--timeout=10"}).status().message(),
            "--timeout: invalid value \"10\" (want a duration such as 10s, 1m30s or inf)");
  EXPECT_EQ(OptionsFor({"list", "--tls=maybe"}).status().message(),
            "--tls: invalid value \"maybe\" (want true or false)");
}

TEST_F(CommandLineTest, UsageDefaultsAreTheOptionsDefaults) {
  // The defaults usage prints, parsed as flags, give CliOptions's own defaults.
  CliOptions from_text;
  for (absl::string_view name : AllFlagNames()) {
    ASSERT_TRUE(SetFlag(name, FlagDefault(name), from_text).ok()) << name;
  }
  const CliOptions defaults;
  EXPECT_EQ(from_text.target, defaults.target);
  EXPECT_EQ(from_text.timeout, defaults.timeout);
  EXPECT_EQ(from_text.output, defaults.output);
  EXPECT_EQ(from_text.port, defaults.port);
  EXPECT_EQ(from_text.wide, defaults.wide);
  EXPECT_EQ(from_text.tls, defaults.tls);
  EXPECT_EQ(from_text.limit, defaults.limit);
  EXPECT_EQ(from_text.page_size, defaults.page_size);
  EXPECT_EQ(FlagDefault("timeout"), "10s");
  EXPECT_EQ(FlagDefault("target"), "127.0.0.1:50051");
}

TEST_F(CommandLineTest, ApplyFlagsStartsFromDefaults) {
  ASSERT_TRUE(OptionsFor({"list", "--host_id=a", "--limit=20"}).ok());
  absl::StatusOr<CliOptions> second = OptionsFor({"list"});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->host_id, "");
  EXPECT_EQ(second->limit, 0);
}

TEST_F(CommandLineTest, ScrubsTokenValuesInArgv) {
  std::string joined = "--token=s3cret";
  std::string flag = "--token";
  std::string separate = "t0ken";
  std::string other = "--host_id=a";
  std::vector<char*> argv = {const_cast<char*>("hss-ports"),
                             const_cast<char*>("list"),
                             joined.data(),
                             flag.data(),
                             separate.data(),
                             other.data()};
  absl::StatusOr<CommandLine> line = ParseCommandLine(static_cast<int>(argv.size()), argv.data());
  ASSERT_TRUE(line.ok()) << line.status();
  ScrubTokenArgs(*line, argv.data());
  EXPECT_STREQ(argv[2], "--token=xxxxxx");
  EXPECT_STREQ(argv[3], "--token");
  EXPECT_STREQ(argv[4], "xxxxx");
  EXPECT_STREQ(argv[5], "--host_id=a");
}

TEST(OutputFormatTest, DependsOnTheCommand) {
  EXPECT_EQ(*ParseOutputFormat("list", "table"), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("list", "json"), OutputFormat::kJson);
  EXPECT_EQ(*ParseOutputFormat("stream", "table"), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("stream", "jsonl"), OutputFormat::kJsonLines);
  EXPECT_EQ(ParseOutputFormat("list", "jsonl").status().message(),
            "--output: unknown value \"jsonl\" for list (want table or json)");
  EXPECT_EQ(ParseOutputFormat("stream", "json").status().message(),
            "--output: unknown value \"json\" for stream (want table or jsonl)");
}

}  // namespace
}  // namespace hss::client
