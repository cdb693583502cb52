#include "client/calls/request_builder.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "client/cli_options.h"

namespace hss::client {
namespace {

using ::hss::ports::v1::ListPortsRequest;
using ::hss::ports::v1::StreamPortsRequest;

CliOptions WithHost() {
  CliOptions options;
  options.host_id = "ecs-1";
  return options;
}

TEST(BuildListPortsRequestTest, AbsentPortLeavesTheOptionalFieldUnset) {
  absl::StatusOr<ListPortsRequest> request = BuildListPortsRequest(WithHost());
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->has_port());
  EXPECT_EQ(request->host_id(), "ecs-1");
  EXPECT_EQ(request->type(), hss::ports::v1::PROTOCOL_UNSPECIFIED);
  EXPECT_EQ(request->status(), hss::ports::v1::PORT_STATUS_UNSPECIFIED);
  EXPECT_EQ(request->category(), hss::ports::v1::CATEGORY_UNSPECIFIED);
  EXPECT_EQ(request->limit(), 0);
  EXPECT_EQ(request->offset(), 0);
}

TEST(BuildListPortsRequestTest, GivenPortSetsTheOptionalField) {
  CliOptions options = WithHost();
  options.port = 443;
  absl::StatusOr<ListPortsRequest> request = BuildListPortsRequest(options);
  ASSERT_TRUE(request.ok()) << request.status();
  ASSERT_TRUE(request->has_port());
  EXPECT_EQ(request->port(), 443);

  options.port = 1;
  EXPECT_EQ(BuildListPortsRequest(options)->port(), 1);
  options.port = 65535;
  EXPECT_EQ(BuildListPortsRequest(options)->port(), 65535);
}

TEST(BuildListPortsRequestTest, RejectsPortsOutOfRange) {
  CliOptions options = WithHost();
  for (int port : {0, -1, 65536}) {
    options.port = port;
    absl::StatusOr<ListPortsRequest> request = BuildListPortsRequest(options);
    ASSERT_FALSE(request.ok()) << port;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(request.status().message(), "--port must be 1-65535"));
  }
}

TEST(BuildListPortsRequestTest, CopiesEveryField) {
  CliOptions options = WithHost();
  options.project_id = "proj";
  options.host_name = "web-01";
  options.host_ip = "192.168.0.10";
  options.enterprise_project_id = "all_granted_eps";
  options.type = "UDP";
  options.status = "Danger";
  options.category = "container";
  options.limit = 50;
  options.offset = 100;
  absl::StatusOr<ListPortsRequest> request = BuildListPortsRequest(options);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->project_id(), "proj");
  EXPECT_EQ(request->host_name(), "web-01");
  EXPECT_EQ(request->host_ip(), "192.168.0.10");
  EXPECT_EQ(request->enterprise_project_id(), "all_granted_eps");
  EXPECT_EQ(request->type(), hss::ports::v1::PROTOCOL_UDP);
  EXPECT_EQ(request->status(), hss::ports::v1::PORT_STATUS_DANGER);
  EXPECT_EQ(request->category(), hss::ports::v1::CATEGORY_CONTAINER);
  EXPECT_EQ(request->limit(), 50);
  EXPECT_EQ(request->offset(), 100);
}

TEST(BuildListPortsRequestTest, RequiresHostId) {
  absl::StatusOr<ListPortsRequest> request = BuildListPortsRequest(CliOptions());
  ASSERT_FALSE(request.ok());
  EXPECT_TRUE(absl::StrContains(request.status().message(), "--host_id is required"));
}

TEST(BuildListPortsRequestTest, RejectsUnknownEnumWords) {
  CliOptions options = WithHost();
  options.type = "sctp";
  EXPECT_EQ(BuildListPortsRequest(options).status().message(),
            "--type: unknown value \"sctp\" (want tcp or udp)");
  options.type = "";
  options.status = "unknow";
  EXPECT_EQ(BuildListPortsRequest(options).status().message(),
            "--status: unknown value \"unknow\" (want normal, danger or unknown)");
  options.status = "";
  options.category = "pod";
  EXPECT_EQ(BuildListPortsRequest(options).status().message(),
            "--category: unknown value \"pod\" (want host or container)");
}

TEST(BuildListPortsRequestTest, RejectsNegativePaging) {
  CliOptions options = WithHost();
  options.limit = -10;
  EXPECT_EQ(BuildListPortsRequest(options).status().message(),
            "--limit must not be negative; got -10");
  options.limit = 0;
  options.offset = -1;
  EXPECT_EQ(BuildListPortsRequest(options).status().message(),
            "--offset must not be negative; got -1");
}

TEST(ParseEnumTest, MapsEveryWord) {
  EXPECT_EQ(*ParseProtocol("tcp"), hss::ports::v1::PROTOCOL_TCP);
  EXPECT_EQ(*ParseProtocol("TCP"), hss::ports::v1::PROTOCOL_TCP);
  EXPECT_EQ(*ParseProtocol("udp"), hss::ports::v1::PROTOCOL_UDP);
  EXPECT_EQ(*ParseProtocol(""), hss::ports::v1::PROTOCOL_UNSPECIFIED);
  EXPECT_EQ(*ParsePortStatus("normal"), hss::ports::v1::PORT_STATUS_NORMAL);
  EXPECT_EQ(*ParsePortStatus("danger"), hss::ports::v1::PORT_STATUS_DANGER);
  EXPECT_EQ(*ParsePortStatus("unknown"), hss::ports::v1::PORT_STATUS_UNKNOWN);
  EXPECT_EQ(*ParsePortStatus(""), hss::ports::v1::PORT_STATUS_UNSPECIFIED);
  EXPECT_EQ(*ParseCategory("host"), hss::ports::v1::CATEGORY_HOST);
  EXPECT_EQ(*ParseCategory("container"), hss::ports::v1::CATEGORY_CONTAINER);
  EXPECT_EQ(*ParseCategory(""), hss::ports::v1::CATEGORY_UNSPECIFIED);
  EXPECT_FALSE(ParseProtocol(" tcp").ok());
}

TEST(BuildStreamPortsRequestTest, CopiesPagingAndFilters) {
  CliOptions options = WithHost();
  options.port = 8080;
  options.type = "tcp";
  options.page_size = 100;
  options.start_offset = 400;
  absl::StatusOr<StreamPortsRequest> request = BuildStreamPortsRequest(options);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->host_id(), "ecs-1");
  ASSERT_TRUE(request->has_port());
  EXPECT_EQ(request->port(), 8080);
  EXPECT_EQ(request->type(), hss::ports::v1::PROTOCOL_TCP);
  EXPECT_EQ(request->page_size(), 100);
  EXPECT_EQ(request->start_offset(), 400);

  options.port.reset();
  EXPECT_FALSE(BuildStreamPortsRequest(options)->has_port());
  options.start_offset = -5;
  EXPECT_EQ(BuildStreamPortsRequest(options).status().message(),
            "--start_offset must not be negative; got -5");
}

}  // namespace
}  // namespace hss::client
