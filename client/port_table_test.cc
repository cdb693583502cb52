#include "client/port_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "client/terminal_text.h"

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

}  // namespace
}  // namespace hss::client
