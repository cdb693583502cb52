#include "client/cli/resume_command.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hss::client {
namespace {

CommandLine Parse(std::vector<const char*> args) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(static_cast<int>(args.size()), args.data());
  EXPECT_TRUE(line.ok()) << line.status();
  return line.value_or(CommandLine());
}

TEST(ResumeCommandTest, AppendsTheStartOffset) {
  EXPECT_EQ(ResumeCommand(Parse({"hss-ports", "stream", "--host_id=ecs-1"}), 400),
            "hss-ports stream --host_id=ecs-1 --start_offset=400");
}

TEST(ResumeCommandTest, ReplacesEveryEarlierStartOffset) {
  EXPECT_EQ(ResumeCommand(Parse({"hss-ports", "stream", "--start_offset=200", "--host_id", "h",
                                 "-start_offset", "300"}),
                          600),
            "hss-ports stream --host_id h --start_offset=600");
}

TEST(ResumeCommandTest, LeavesOutTheToken) {
  const CommandLine line = Parse({"hss-ports", "stream", "--token=s3cret", "--host_id=h", "--token",
                                  "t0ken", "--token_file=/run/tok"});
  const std::string command = ResumeCommand(line, 10);
  EXPECT_EQ(command, "hss-ports stream --host_id=h --token_file=/run/tok --start_offset=10");
  EXPECT_TRUE(HasTokenFlag(line));
  EXPECT_FALSE(HasTokenFlag(Parse({"hss-ports", "stream", "--host_id=h"})));
}

TEST(ResumeCommandTest, PutsTheOffsetBeforeEndOfFlags) {
  EXPECT_EQ(ResumeCommand(Parse({"hss-ports", "--host_id=h", "--", "stream"}), 5),
            "hss-ports --host_id=h --start_offset=5 -- stream");
}

TEST(ResumeCommandTest, QuotesHostileArguments) {
  const CommandLine line =
      Parse({"/opt/my tools/hss-ports", "stream", "--host_id=$(reboot)", "--host_name",
             "it's; rm -rf /", "--target=`id`:1", "--host_ip=\x1b[2J"});
  EXPECT_EQ(ResumeCommand(line, 7),
            "'/opt/my tools/hss-ports' stream '--host_id=$(reboot)' --host_name "
            "'it'\\''s; rm -rf /' '--target=`id`:1' "
            "'--host_ip='\"$(printf '\\033')\"'[2J' --start_offset=7");
}

}  // namespace
}  // namespace hss::client
