#include "client/output/port_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "client/output/terminal_text.h"

namespace hss::client {
namespace {

using ::google::protobuf::RepeatedPtrField;
using ::hss::ports::v1::Port;

Port MakePort(int number, hss::ports::v1::Protocol type, hss::ports::v1::PortStatus status,
              const std::string& status_text, const std::string& laddr, int pid,
              const std::string& path, const std::string& container_id = "") {
  Port port;
  port.set_port(number);
  port.set_type(type);
  port.set_status(status);
  port.set_status_text(status_text);
  port.set_laddr(laddr);
  port.set_pid(pid);
  port.set_path(path);
  port.set_container_id(container_id);
  return port;
}

RepeatedPtrField<Port> Ports(const std::vector<Port>& ports) {
  RepeatedPtrField<Port> out;
  for (const Port& port : ports) *out.Add() = port;
  return out;
}

TEST(PortTableTest, AlignsColumns) {
  const auto ports = Ports({
      MakePort(22, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
               "0.0.0.0", 812, "/usr/sbin/sshd"),
      MakePort(65535, hss::ports::v1::PROTOCOL_UDP, hss::ports::v1::PORT_STATUS_DANGER, "danger",
               "::1", 1, "/opt/app", "3f2a"),
  });
  EXPECT_EQ(FormatPortTable(ports, 57, 10),
            " PORT  TYPE  STATUS  LADDR    PID  PATH            CONTAINER\n"
            "   22  tcp   normal  0.0.0.0  812  /usr/sbin/sshd  -\n"
            "65535  udp   danger  ::1        1  /opt/app        3f2a\n"
            "2 of 57 ports (offset 10)\n");
}

TEST(PortTableTest, ShowsRawStatusTextWhenTheEnumIsUnspecified) {
  const auto ports = Ports({
      MakePort(80, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_UNSPECIFIED,
               "suspicious", "0.0.0.0", 0, ""),
      MakePort(81, hss::ports::v1::PROTOCOL_UNSPECIFIED, hss::ports::v1::PORT_STATUS_UNKNOWN,
               "unknow", "", 0, ""),
      MakePort(82, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_UNSPECIFIED, "",
               "0.0.0.0", 0, ""),
  });
  EXPECT_EQ(FormatPortTable(ports, 3, 0),
            "PORT  TYPE  STATUS      LADDR    PID  PATH  CONTAINER\n"
            "  80  tcp   suspicious  0.0.0.0    -  -     -\n"
            "  81  -     unknown     -          -  -     -\n"
            "  82  tcp   -           0.0.0.0    -  -     -\n"
            "3 of 3 ports (offset 0)\n");
}

TEST(PortTableTest, AlignsUtf8AndWidePathsByDisplayWidth) {
  const auto ports = Ports({
      MakePort(8080, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
               "0.0.0.0", 10, "/opt/服务/端口", "c1"),
      MakePort(9090, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
               "0.0.0.0", 11, "/opt/café", "c2"),
      MakePort(7070, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
               "0.0.0.0", 12, "/bin/x", "c3"),
  });
  const std::string table = FormatPortTable(ports, 3, 0);
  EXPECT_TRUE(absl::StrContains(table, "/opt/服务/端口  c1\n")) << table;
  EXPECT_TRUE(absl::StrContains(table, "/opt/café" + std::string(7, ' ') + "c2\n")) << table;
  EXPECT_TRUE(absl::StrContains(table, "/bin/x" + std::string(10, ' ') + "c3\n")) << table;
  // Every row but the footer has the CONTAINER column at the same display column.
  std::vector<std::string> lines = absl::StrSplit(table, '\n');
  const std::size_t container_column = DisplayWidth(lines[0]) - DisplayWidth("CONTAINER");
  for (std::size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(DisplayWidth(lines[i]) - 2, container_column) << lines[i];
  }
}

TEST(PortTableTest, EscapesControlCharactersInCells) {
  const auto ports =
      Ports({MakePort(1, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_UNSPECIFIED,
                      "bad\x1b[0m", "0.0.0.0", 2, "/tmp/a\nb")});
  const std::string table = FormatPortTable(ports, 1, 0);
  EXPECT_FALSE(absl::StrContains(table, "\x1b")) << table;
  EXPECT_TRUE(absl::StrContains(table, "bad\\x1B[0m")) << table;
  EXPECT_TRUE(absl::StrContains(table, "/tmp/a\\nb")) << table;
}

TEST(PortTableTest, EmptyPageHasHeaderAndFooter) {
  EXPECT_EQ(FormatPortTable({}, 0, 0),
            "PORT  TYPE  STATUS  LADDR  PID  PATH  CONTAINER\n"
            "0 of 0 ports (offset 0)\n");
}

TEST(PortTableTest, FitWidensButNeverNarrows) {
  PortTable table;
  table.Fit(Ports({MakePort(1, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL,
                            "normal", "fe80::1234:5678", 1, "/a")}));
  const std::string header = table.Header();
  table.Fit(Ports({MakePort(2, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL,
                            "normal", "::1", 1, "/b")}));
  EXPECT_EQ(table.Header(), header);
  EXPECT_EQ(header, "PORT  TYPE  STATUS  LADDR            PID  PATH  CONTAINER\n");
}

// Ports whose PATH, LADDR, CONTAINER and STATUS cells are far wider than a
// terminal, and one whose cells are all short.
RepeatedPtrField<Port> LongPorts() {
  return Ports({
      MakePort(22, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_UNSPECIFIED,
               "suspicious-listener-reported-by-agent", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
               812, "/usr/lib/x86_64-linux-gnu/openssh/libexec/very/deep/tree/sshd",
               "3f2a9c0d1e4b5a69781f2e3d4c5b6a7980f1e2d3c4b5a69788f7e6d5c4b3a291"),
      MakePort(65535, hss::ports::v1::PROTOCOL_UDP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
               "::1", 4194304, "/bin/x", "c2"),
  });
}

// The lines of `table` without the footer.
std::vector<std::string> TableLines(const std::string& table) {
  std::vector<std::string> lines = absl::StrSplit(table, '\n', absl::SkipEmpty());
  lines.pop_back();
  return lines;
}

TEST(PortTableTest, ShortensLongCellsToFitTheWidth) {
  const std::string table = FormatPortTable(LongPorts(), 2, 0, 80);
  const std::vector<std::string> lines = TableLines(table);
  ASSERT_EQ(lines.size(), 3u) << table;
  for (const std::string& line : lines) EXPECT_LE(DisplayWidth(line), 80u) << line;
  EXPECT_EQ(DisplayWidth(lines[1]), 80u) << table;  // The long row uses every column.
  EXPECT_TRUE(absl::StrContains(lines[1], "…/sshd")) << lines[1];   // Keeps the file name,
  EXPECT_TRUE(absl::StrContains(lines[1], "  /usr/")) << lines[1];  // and the path's start.
  EXPECT_TRUE(absl::StrContains(lines[1], "  2001:")) << lines[1];  // Both ends of the address.
  EXPECT_TRUE(absl::StrContains(lines[1], ":7334  ")) << lines[1];
  EXPECT_TRUE(absl::StrContains(lines[1], "  3f2a")) << lines[1];  // The container id's start.
  EXPECT_TRUE(absl::StartsWith(lines[1], "   22  tcp   susp")) << lines[1];
  // Short cells and the headers stay whole.
  EXPECT_TRUE(absl::StrContains(lines[2], "65535  udp   normal")) << lines[2];
  EXPECT_TRUE(absl::StrContains(lines[2], "  4194304  /bin/x")) << lines[2];
  EXPECT_TRUE(absl::EndsWith(lines[2], "  c2")) << lines[2];
  EXPECT_TRUE(absl::StrContains(lines[0], " PID  PATH")) << lines[0];
  EXPECT_TRUE(absl::EndsWith(lines[0], "  CONTAINER")) << lines[0];
  EXPECT_TRUE(absl::EndsWith(table, "2 of 2 ports (offset 0)\n")) << table;
}

TEST(PortTableTest, ShortensTheLongestColumnsFirst) {
  // Only PATH is long: the other columns keep their values whole.
  const auto ports = Ports({MakePort(
      443, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_DANGER, "danger",
      "192.168.100.200", 1234,
      "/srv/applications/backend/releases/2024-06-01/bin/nginx-with-a-long-name", "abc123def")});
  const std::vector<std::string> lines = TableLines(FormatPortTable(ports, 1, 0, 100));
  EXPECT_EQ(lines[1],
            " 443  tcp   danger  192.168.100.200  1234  "
            "/srv/applications/back…/nginx-with-a-long-name  abc123def");
  EXPECT_EQ(DisplayWidth(lines[1]), 100u);
}

TEST(PortTableTest, NoWidthOrAWideEnoughOneKeepsEveryCellWhole) {
  const std::string full = FormatPortTable(LongPorts(), 2, 0);
  EXPECT_TRUE(
      absl::StrContains(full, "/usr/lib/x86_64-linux-gnu/openssh/libexec/very/deep/tree/sshd"))
      << full;
  EXPECT_TRUE(absl::StrContains(full, "2001:0db8:85a3:0000:0000:8a2e:0370:7334")) << full;
  EXPECT_TRUE(absl::StrContains(full, "suspicious-listener-reported-by-agent")) << full;
  EXPECT_FALSE(absl::StrContains(full, "…")) << full;
  EXPECT_EQ(FormatPortTable(LongPorts(), 2, 0, DisplayWidth(TableLines(full)[1])), full);
}

TEST(PortTableTest, WideCharactersCountTwoColumnsWhenShortening) {
  const auto ports = Ports({
      MakePort(8080, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
               "0.0.0.0", 10,
               "/opt/\U0001F680服务服务服务服务服务/端口端口端口端口端口端口端口端口/启动",
               "container1"),
      MakePort(9090, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
               "0.0.0.0", 11, "/opt/\U0001F680", "container2"),
  });
  const std::string table = FormatPortTable(ports, 2, 0, 80);
  for (const std::string& line : TableLines(table)) {
    EXPECT_LE(DisplayWidth(line), 80u) << line;
    EXPECT_GE(DisplayWidth(line), 79u) << line;        // At most a wide character short.
    EXPECT_EQ(EscapeForTerminal(line), line) << line;  // No code point cut in half.
  }
  EXPECT_TRUE(absl::StrContains(table, "…/启动")) << table;
  EXPECT_TRUE(absl::StrContains(table, "/opt/\U0001F680 ")) << table;  // Short: whole.
}

TEST(PortTableTest, StreamedPagesStayWithinTheWidth) {
  PortTable table(70);
  const auto first =
      Ports({MakePort(1, hss::ports::v1::PROTOCOL_TCP, hss::ports::v1::PORT_STATUS_NORMAL, "normal",
                      "0.0.0.0", 1, "/bin/short")});
  table.Fit(first);
  std::string out = table.Header() + table.Rows(first);
  const auto second = LongPorts();
  table.Fit(second);
  out += table.Rows(second);
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    EXPECT_LE(DisplayWidth(line), 70u) << line;
  }
  EXPECT_TRUE(absl::StrContains(out, "/bin/short")) << out;
  EXPECT_TRUE(absl::StrContains(out, "…/sshd")) << out;
}

}  // namespace
}  // namespace hss::client
