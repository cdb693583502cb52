#include "server/watch/port_diff.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace hss::gateway {
namespace {

using hss::ports::v1::Port;
using hss::ports::v1::PortChange;

Port MakePort(int number, const std::string& laddr = "0.0.0.0", int pid = 1) {
  Port port;
  port.set_host_id("h1");
  port.set_port(number);
  port.set_laddr(laddr);
  port.set_type(hss::ports::v1::PROTOCOL_TCP);
  port.set_pid(pid);
  port.set_path("/bin/x");
  port.set_status(hss::ports::v1::PORT_STATUS_NORMAL);
  return port;
}

PortSet SetOf(const std::vector<Port>& ports) { return CollectPorts(ports).ports; }

TEST(PortIdentityTest, IdentityIsTypeLaddrPortContainer) {
  Port a = MakePort(80);
  Port b = a;
  b.set_pid(9);
  b.set_path("/other");
  b.set_agent_id("agent");
  b.set_status(hss::ports::v1::PORT_STATUS_DANGER);
  EXPECT_EQ(IdentityOf(a), IdentityOf(b));
  EXPECT_FALSE(SameState(a, b));
  b = a;
  b.set_container_id("c1");
  EXPECT_NE(IdentityOf(a), IdentityOf(b));
  b = a;
  b.set_type(hss::ports::v1::PROTOCOL_UDP);
  EXPECT_NE(IdentityOf(a), IdentityOf(b));
  b = a;
  b.set_status_text("weird");
  EXPECT_FALSE(SameState(a, b));
}

TEST(PortDiffTest, AddedModifiedRemoved) {
  const PortSet before = SetOf({MakePort(22), MakePort(80), MakePort(443)});
  const PortSet after = SetOf({MakePort(22), MakePort(80, "0.0.0.0", 7), MakePort(8080)});
  const std::vector<PortChange> changes = DiffPorts(before, after, /*complete=*/true);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].kind(), PortChange::KIND_MODIFIED);
  EXPECT_EQ(changes[0].port().pid(), 7);
  EXPECT_EQ(changes[1].kind(), PortChange::KIND_REMOVED);
  EXPECT_EQ(changes[1].port().port(), 443);
  EXPECT_EQ(changes[2].kind(), PortChange::KIND_ADDED);
  EXPECT_EQ(changes[2].port().port(), 8080);
}

TEST(PortDiffTest, IncompletePollReportsNoRemoval) {
  const PortSet before = SetOf({MakePort(22), MakePort(80)});
  const PortSet after = SetOf({MakePort(22), MakePort(81)});
  const std::vector<PortChange> changes = DiffPorts(before, after, /*complete=*/false);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind(), PortChange::KIND_ADDED);
  PortSet held = before;
  ApplyChanges(changes, held);
  EXPECT_EQ(held.size(), 3u);
}

TEST(PortDiffTest, DuplicatesWithinAPollAreDropped) {
  const PolledPorts polled = CollectPorts({MakePort(22), MakePort(22, "0.0.0.0", 5), MakePort(80)});
  EXPECT_EQ(polled.ports.size(), 2u);
  EXPECT_EQ(polled.duplicates, 1);
  EXPECT_TRUE(DiffPorts(polled.ports, polled.ports, true).empty());
}

// The invariant: applying the changes to the old set gives the new one.
TEST(PortDiffTest, ApplyingTheDiffGivesTheNewSet) {
  std::mt19937 rng(12);
  for (int round = 0; round < 200; ++round) {
    std::vector<Port> old_ports, new_ports;
    for (int i = 0; i < 40; ++i) {
      if (rng() % 3 != 0) old_ports.push_back(MakePort(i, i % 2 ? "::" : "0.0.0.0", rng() % 3));
      if (rng() % 3 != 0) new_ports.push_back(MakePort(i, i % 2 ? "::" : "0.0.0.0", rng() % 3));
    }
    const PortSet before = SetOf(old_ports);
    const PortSet after = SetOf(new_ports);
    PortSet applied = before;
    ApplyChanges(DiffPorts(before, after, true), applied);
    ASSERT_EQ(applied.size(), after.size());
    for (const auto& [identity, port] : after) {
      ASSERT_TRUE(applied.count(identity));
      EXPECT_TRUE(SameState(applied.at(identity), port));
    }
  }
}

}  // namespace
}  // namespace hss::gateway
