// RunCli end to end against an in-process fake PortService.
#include "client/cli/cli.h"

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_context.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli/cli_flags.h"
#include "client/output/terminal_text.h"
#include "common/flags_usage.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "hss/ports/v1/ports.grpc.pb.h"

namespace hss::client {
namespace {

using ::hss::ProjectVersion;
using ::hss::ports::v1::ListPortsRequest;
using ::hss::ports::v1::ListPortsResponse;
using ::hss::ports::v1::Port;
using ::hss::ports::v1::StreamPortsRequest;
using ::hss::ports::v1::StreamPortsResponse;

using StreamWriter = grpc::ServerWriter<StreamPortsResponse>;
using WatchWriter = grpc::ServerWriter<hss::ports::v1::WatchPortsResponse>;

// A PortService whose answers the test sets and which records what it got.
class FakePortService final : public hss::ports::v1::PortService::Service {
 public:
  std::function<grpc::Status(ListPortsResponse*)> list = [](ListPortsResponse*) {
    return grpc::Status::OK;
  };
  std::function<grpc::Status(grpc::ServerContext*, StreamWriter*)> stream =
      [](grpc::ServerContext*, StreamWriter*) { return grpc::Status::OK; };
  std::function<grpc::Status(grpc::ServerContext*, WatchWriter*)> watch =
      [](grpc::ServerContext*, WatchWriter*) { return grpc::Status::OK; };

  grpc::Status ListPorts(grpc::ServerContext* context, const ListPortsRequest* request,
                         ListPortsResponse* response) override {
    Record(*context);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      list_request_ = *request;
    }
    return list(response);
  }

  grpc::Status StreamPorts(grpc::ServerContext* context, const StreamPortsRequest* request,
                           StreamWriter* writer) override {
    Record(*context);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stream_request_ = *request;
    }
    return stream(context, writer);
  }

  grpc::Status WatchPorts(grpc::ServerContext* context,
                          const hss::ports::v1::WatchPortsRequest* request,
                          WatchWriter* writer) override {
    Record(*context);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      watch_request_ = *request;
    }
    return watch(context, writer);
  }

  hss::ports::v1::WatchPortsRequest watch_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return watch_request_;
  }

  int calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  std::optional<std::string> token() {
    std::lock_guard<std::mutex> lock(mutex_);
    return token_;
  }
  ListPortsRequest list_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return list_request_;
  }
  StreamPortsRequest stream_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stream_request_;
  }

 private:
  void Record(const grpc::ServerContext& context) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++calls_;
    token_.reset();
    const auto& metadata = context.client_metadata();
    if (auto it = metadata.find("x-auth-token"); it != metadata.end()) {
      token_ = std::string(it->second.data(), it->second.size());
    }
  }

  std::mutex mutex_;
  int calls_ = 0;
  std::optional<std::string> token_;
  ListPortsRequest list_request_;
  StreamPortsRequest stream_request_;
  hss::ports::v1::WatchPortsRequest watch_request_;
};

Port MakePort(int number, const std::string& path) {
  Port port;
  port.set_port(number);
  port.set_type(hss::ports::v1::PROTOCOL_TCP);
  port.set_status(hss::ports::v1::PORT_STATUS_NORMAL);
  port.set_status_text("normal");
  port.set_laddr("0.0.0.0");
  port.set_pid(100 + number);
  port.set_path(path);
  return port;
}

StreamPortsResponse MakePage(int offset, int count, int total) {
  StreamPortsResponse page;
  page.set_offset(offset);
  page.set_total_num(total);
  for (int i = 0; i < count; ++i) *page.add_ports() = MakePort(offset + i + 1, "/bin/p");
  return page;
}

// An UNAVAILABLE status with ErrorInfo{resumeOffset} and RetryInfo{1s}.
grpc::Status UnavailableWithResumeOffset(int offset) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(grpc::StatusCode::UNAVAILABLE);
  rpc_status.set_message("HSS is unavailable");
  google::rpc::ErrorInfo info;
  info.set_reason("UPSTREAM_UNAVAILABLE");
  info.set_domain("hss-gateway.hss.ports.v1");
  (*info.mutable_metadata())["resumeOffset"] = absl::StrCat(offset);
  rpc_status.add_details()->PackFrom(info);
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(1);
  rpc_status.add_details()->PackFrom(retry);
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "HSS is unavailable",
                      rpc_status.SerializeAsString());
}

class CliTest : public testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    target_ = absl::StrCat("--target=127.0.0.1:", port);
  }
  void TearDown() override { server_->Shutdown(); }

  // Runs hss-ports with `args` (after the program name); fills out_ and err_.
  int Run(const std::vector<std::string>& args) {
    std::vector<std::string> storage = {"hss-ports"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::ostringstream out;
    std::ostringstream err;
    const int code = RunCli(static_cast<int>(storage.size()), argv.data(), env_, out, err);
    out_ = out.str();
    err_ = err.str();
    return code;
  }

  FakePortService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string target_;
  CliEnvironment env_;
  std::string out_;
  std::string err_;
};

TEST_F(CliTest, NoArgumentsPrintUsageToStderrAndExit2) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(out_, "");
  EXPECT_TRUE(absl::StrContains(err_, "Usage:")) << err_;
}

TEST_F(CliTest, HelpPrintsUsageAndExits0) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_TRUE(absl::StrContains(out_, "hss-ports stream --host_id=ID [flags]")) << out_;
  EXPECT_EQ(Run({"stream", "--help"}), 0);
  EXPECT_TRUE(absl::StrContains(out_, "--start_offset=N")) << out_;
  EXPECT_FALSE(absl::StrContains(out_, "--limit")) << out_;
}

TEST_F(CliTest, VersionPrintsTheReleaseAndExits0) {
  EXPECT_EQ(Run({"--version"}), 0);
  EXPECT_EQ(out_, absl::StrCat("hss-ports ", ProjectVersion(), "\n"));
}

TEST_F(CliTest, ATargetWithoutAPortIsAUsageErrorNotACallToPort443) {
  EXPECT_EQ(Run({"list", "--target=localhost", "--host_id=h"}), 2);
  EXPECT_TRUE(absl::StrContains(err_, "--target=localhost has no port")) << err_;
}

TEST_F(CliTest, UsageErrorsExit2WithoutACall) {
  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--type=sctp"}), 2);
  EXPECT_EQ(err_,
            "error: --type: unknown value \"sctp\" (want tcp or udp)\n"
            "Run 'hss-ports list --help' for usage.\n");
  EXPECT_EQ(Run({"list", target_}), 2);
  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--output=jsonl"}), 2);
  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--timeout=0s"}), 2);
  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--token=a", "--token_file=/t"}), 2);
  EXPECT_EQ(service_.calls(), 0);
}

TEST_F(CliTest, ListSendsTheRequestAndTokenAndPrintsATable) {
  service_.list = [](ListPortsResponse* response) {
    response->set_total_num(57);
    *response->add_data_list() = MakePort(22, "/usr/sbin/sshd");
    *response->add_data_list() = MakePort(8080, "/opt/服务");
    return grpc::Status::OK;
  };
  env_.auth_token = "env-token";
  EXPECT_EQ(Run({"list", target_, "--host_id=ecs-1", "--port=22", "--type=tcp", "--offset=10"}), 0)
      << err_;
  EXPECT_EQ(out_,
            "PORT  TYPE  STATUS  LADDR     PID  PATH            CONTAINER\n"
            "  22  tcp   normal  0.0.0.0   122  /usr/sbin/sshd  -\n"
            "8080  tcp   normal  0.0.0.0  8180  /opt/服务       -\n"
            "2 of 57 ports (offset 10)\n");
  EXPECT_EQ(err_, "");
  EXPECT_EQ(service_.token(), "env-token");
  const ListPortsRequest request = service_.list_request();
  EXPECT_EQ(request.host_id(), "ecs-1");
  ASSERT_TRUE(request.has_port());
  EXPECT_EQ(request.port(), 22);
  EXPECT_EQ(request.type(), hss::ports::v1::PROTOCOL_TCP);
  EXPECT_EQ(request.offset(), 10);
}

TEST_F(CliTest, ListWithoutPortOrTokenSendsNeither) {
  EXPECT_EQ(Run({"list", target_, "--host_id=ecs-1"}), 0) << err_;
  EXPECT_FALSE(service_.list_request().has_port());
  EXPECT_EQ(service_.token(), std::nullopt);
  EXPECT_EQ(out_, "PORT  TYPE  STATUS  LADDR  PID  PATH  CONTAINER\n0 of 0 ports (offset 0)\n");
}

TEST_F(CliTest, TokenFlagWarnsAndIsNeverPrinted) {
  service_.list = [](ListPortsResponse*) {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "token rejected");
  };
  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--token=S3CRET-TOKEN"}), 1);
  EXPECT_EQ(service_.token(), "S3CRET-TOKEN");
  EXPECT_EQ(err_,
            "warning: --token is visible to other users (ps, /proc); prefer HSS_AUTH_TOKEN or "
            "--token_file\n"
            "error: UNAUTHENTICATED: token rejected\n");
  EXPECT_FALSE(absl::StrContains(out_ + err_, "S3CRET"));
}

TEST_F(CliTest, ListJsonRoundTrips) {
  ListPortsResponse expected;
  expected.set_total_num(1);
  *expected.add_data_list() = MakePort(443, "/usr/bin/nginx");
  // By value: the server thread copies it, and a socket is no happens-before edge to TSan.
  service_.list = [expected](ListPortsResponse* response) {
    *response = expected;
    return grpc::Status::OK;
  };
  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--output=json"}), 0) << err_;
  EXPECT_TRUE(absl::StrContains(out_, "\"total_num\": 1")) << out_;
  EXPECT_TRUE(absl::StrContains(out_, "\"container_id\": \"\"")) << out_;
  ListPortsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_, &parsed).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(parsed, expected));
}

TEST_F(CliTest, ListErrorPrintsDetailsAndExits1) {
  service_.list = [](ListPortsResponse*) { return UnavailableWithResumeOffset(0); };
  EXPECT_EQ(Run({"list", target_, "--host_id=h"}), 1);
  EXPECT_EQ(out_, "");
  EXPECT_EQ(err_,
            "error: UNAVAILABLE: HSS is unavailable\n"
            "  reason: UPSTREAM_UNAVAILABLE\n"
            "  domain: hss-gateway.hss.ports.v1\n"
            "  metadata resumeOffset: 0\n"
            "  retry after 1s\n");
}

TEST_F(CliTest, StreamPrintsEveryPageAndAFooter) {
  service_.stream = [](grpc::ServerContext*, StreamWriter* writer) {
    writer->Write(MakePage(400, 2, 403));
    writer->Write(MakePage(402, 1, 403));
    return grpc::Status::OK;
  };
  EXPECT_EQ(Run({"stream", target_, "--host_id=h", "--start_offset=400", "--page_size=10"}), 0)
      << err_;
  EXPECT_EQ(out_,
            "PORT  TYPE  STATUS  LADDR    PID  PATH    CONTAINER\n"
            " 401  tcp   normal  0.0.0.0  501  /bin/p  -\n"
            " 402  tcp   normal  0.0.0.0  502  /bin/p  -\n"
            " 403  tcp   normal  0.0.0.0  503  /bin/p  -\n"
            "3 of 403 ports (offset 400)\n");
  EXPECT_EQ(err_, "");  // No progress line: stderr is not a terminal.
  EXPECT_EQ(service_.stream_request().start_offset(), 400);
  EXPECT_EQ(service_.stream_request().page_size(), 10);
}

TEST_F(CliTest, StreamJsonLinesHasOneObjectPerPort) {
  service_.stream = [](grpc::ServerContext*, StreamWriter* writer) {
    writer->Write(MakePage(0, 2, 3));
    writer->Write(MakePage(2, 1, 3));
    return grpc::Status::OK;
  };
  EXPECT_EQ(Run({"stream", target_, "--host_id=h", "--output=jsonl"}), 0) << err_;
  std::vector<std::string> lines = absl::StrSplit(out_, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u) << out_;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Port port;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[i], &port).ok()) << lines[i];
    EXPECT_EQ(port.port(), static_cast<int>(i) + 1);
  }
  EXPECT_TRUE(absl::StrContains(lines[0], "\"status\":\"PORT_STATUS_NORMAL\"")) << lines[0];
}

TEST_F(CliTest, StreamFailurePrintsTheResumeCommandWithoutTheToken) {
  service_.stream = [](grpc::ServerContext*, StreamWriter* writer) {
    writer->Write(MakePage(200, 2, 1000));
    return UnavailableWithResumeOffset(400);
  };
  EXPECT_EQ(Run({"stream", target_, "--host_id=it's me", "--token=S3CRET", "--start_offset=200"}),
            1);
  EXPECT_FALSE(absl::StrContains(out_ + err_, "S3CRET"));
  EXPECT_TRUE(
      absl::StrContains(err_, absl::StrCat("resume with:\n  hss-ports stream ", target_,
                                           " '--host_id=it'\\''s me' --start_offset=400\n"
                                           "  (--token is left out: set HSS_AUTH_TOKEN or add "
                                           "--token_file)\n")))
      << err_;
  EXPECT_TRUE(absl::StrContains(err_, "error: UNAVAILABLE: HSS is unavailable\n")) << err_;
  EXPECT_TRUE(absl::StrContains(out_, " 201  tcp")) << out_;
  EXPECT_FALSE(absl::StrContains(out_, "ports (offset")) << out_;  // No footer after a failure.
}

TEST_F(CliTest, StalledStreamTimesOutAndResumesAfterTheLastPage) {
  service_.stream = [](grpc::ServerContext* context, StreamWriter* writer) {
    writer->Write(MakePage(0, 2, 10));
    while (!context->IsCancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return grpc::Status::CANCELLED;
  };
  EXPECT_EQ(Run({"stream", target_, "--host_id=h", "--timeout=300ms"}), 1);
  EXPECT_EQ(err_,
            absl::StrCat("error: DEADLINE_EXCEEDED: no page arrived within 300ms (--timeout)\n"
                         "resume with:\n  hss-ports stream ",
                         target_,
                         " --host_id=h --timeout=300ms --start_offset=2\n"
                         "  (the gateway sent no resumeOffset; this one follows the last "
                         "page received)\n"));
}

TEST_F(CliTest, StreamDrawsProgressOnlyOnATerminal) {
  service_.stream = [](grpc::ServerContext*, StreamWriter* writer) {
    writer->Write(MakePage(0, 2, 3));
    writer->Write(MakePage(2, 1, 3));
    return grpc::Status::OK;
  };
  env_.stderr_is_terminal = true;
  EXPECT_EQ(Run({"stream", target_, "--host_id=h", "--output=jsonl"}), 0);
  EXPECT_TRUE(absl::StrContains(err_, "\r\x1b[K[################........]  66%  1 page  2/3 ports"))
      << err_;
  EXPECT_TRUE(absl::StrContains(err_, "100%  2 pages  3/3 ports")) << err_;
  EXPECT_TRUE(absl::EndsWith(err_, "\r\x1b[K")) << err_;  // Erased at the end.
  EXPECT_FALSE(absl::StrContains(out_, "\x1b")) << out_;
}

constexpr char kLongPath[] = "/usr/lib/x86_64-linux-gnu/openssh/libexec/a/very/deep/tree/sshd";

// Every line of `text` fits in `columns` display columns.
void ExpectLinesFit(const std::string& text, std::size_t columns) {
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    EXPECT_LE(DisplayWidth(line), columns) << line;
  }
}

TEST_F(CliTest, ListOnATerminalShortensTheTableToItsWidthUnlessWide) {
  service_.list = [](ListPortsResponse* response) {
    response->set_total_num(2);
    *response->add_data_list() = MakePort(22, kLongPath);
    *response->add_data_list() = MakePort(8080, "/opt/\U0001F680");
    return grpc::Status::OK;
  };
  env_.stdout_is_terminal = true;
  env_.terminal_columns = 60;
  EXPECT_EQ(Run({"list", target_, "--host_id=h"}), 0) << err_;
  EXPECT_EQ(out_,
            "PORT  TYPE  STATUS  LADDR     PID  PATH            CONTAINER\n"
            "  22  tcp   normal  0.0.0.0   122  /usr/lib…/sshd  -\n"
            "8080  tcp   normal  0.0.0.0  8180  /opt/\U0001F680         -\n"
            "2 of 2 ports (offset 0)\n");
  ExpectLinesFit(out_, 60);

  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--wide"}), 0) << err_;
  EXPECT_TRUE(absl::StrContains(out_, kLongPath)) << out_;
  EXPECT_FALSE(absl::StrContains(out_, "…")) << out_;

  EXPECT_EQ(Run({"list", target_, "--host_id=h", "--output=json"}), 0) << err_;
  EXPECT_TRUE(absl::StrContains(out_, kLongPath)) << out_;

  env_.stdout_is_terminal = false;  // A pipe or a file: whole cells.
  EXPECT_EQ(Run({"list", target_, "--host_id=h"}), 0) << err_;
  EXPECT_TRUE(absl::StrContains(out_, kLongPath)) << out_;
}

TEST_F(CliTest, StreamOnATerminalShortensTheTableToItsWidthUnlessWide) {
  service_.stream = [](grpc::ServerContext*, StreamWriter* writer) {
    writer->Write(MakePage(0, 1, 2));
    StreamPortsResponse page = MakePage(1, 1, 2);
    page.mutable_ports(0)->set_path(kLongPath);
    page.mutable_ports(0)->set_laddr("2001:0db8:85a3:0000:0000:8a2e:0370:7334");
    writer->Write(page);
    return grpc::Status::OK;
  };
  env_.stdout_is_terminal = true;
  env_.terminal_columns = 64;
  EXPECT_EQ(Run({"stream", target_, "--host_id=h"}), 0) << err_;
  ExpectLinesFit(out_, 64);
  EXPECT_TRUE(absl::StrContains(out_, "…/sshd")) << out_;
  EXPECT_TRUE(absl::StrContains(out_, "  2001:")) << out_;
  EXPECT_TRUE(absl::StrContains(out_, ":7334  ")) << out_;

  EXPECT_EQ(Run({"stream", target_, "--host_id=h", "--wide"}), 0) << err_;
  EXPECT_TRUE(absl::StrContains(out_, kLongPath)) << out_;
  EXPECT_TRUE(absl::StrContains(out_, "2001:0db8:85a3:0000:0000:8a2e:0370:7334")) << out_;
}

TEST_F(CliTest, WideIsInTheUsageOfListAndStream) {
  EXPECT_EQ(Run({"list", "--help"}), 0);
  EXPECT_TRUE(absl::StrContains(out_, "  --wide ")) << out_;
  EXPECT_EQ(Run({"stream", "--help"}), 0);
  EXPECT_TRUE(absl::StrContains(out_, "  --wide ")) << out_;
}

// A snapshot of two ports (reset ... synced), then one poll's changes.
grpc::Status WriteWatchEvents(WatchWriter* writer) {
  using hss::ports::v1::PortChange;
  using hss::ports::v1::WatchPortsResponse;
  WatchPortsResponse snapshot;
  snapshot.set_reset(true);
  snapshot.set_synced(true);
  snapshot.set_total_num(2);
  snapshot.set_interval_seconds(30);
  for (int number : {22, 80}) {
    PortChange* change = snapshot.add_changes();
    change->set_kind(PortChange::KIND_ADDED);
    *change->mutable_port() = MakePort(number, "/usr/sbin/d");
  }
  WatchPortsResponse poll;
  poll.set_synced(true);
  poll.set_total_num(2);
  poll.set_interval_seconds(30);
  PortChange* opened = poll.add_changes();
  opened->set_kind(PortChange::KIND_ADDED);
  *opened->mutable_port() = MakePort(443, "/usr/sbin/nginx");
  PortChange* closed = poll.add_changes();
  closed->set_kind(PortChange::KIND_REMOVED);
  *closed->mutable_port() = MakePort(80, "/usr/sbin/d");
  PortChange* changed = poll.add_changes();
  changed->set_kind(PortChange::KIND_MODIFIED);
  *changed->mutable_port() = MakePort(22, "/usr/sbin/sshd");
  if (!writer->Write(snapshot) || !writer->Write(poll)) return grpc::Status::CANCELLED;
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the gateway is draining");
}

TEST_F(CliTest, WatchPrintsOneTableLinePerChangeWithResetAndSyncedMarkers) {
  service_.watch = [](grpc::ServerContext*, WatchWriter* writer) {
    return WriteWatchEvents(writer);
  };
  EXPECT_EQ(Run({"watch", target_, "--host_id=h1", "--interval=60", "--type=tcp"}), 1);
  EXPECT_EQ(service_.watch_request().host_id(), "h1");
  EXPECT_EQ(service_.watch_request().interval_seconds(), 60);
  EXPECT_EQ(service_.watch_request().type(), hss::ports::v1::PROTOCOL_TCP);
  const std::vector<std::string> lines = absl::StrSplit(out_, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 9u) << out_;
  EXPECT_TRUE(absl::StartsWith(lines[0], "KIND ")) << lines[0];
  EXPECT_EQ(lines[1], "-- reset: discard the ports held");
  EXPECT_TRUE(absl::StartsWith(lines[2], "ADDED ")) << lines[2];
  EXPECT_TRUE(absl::StrContains(lines[2], "22")) << lines[2];
  EXPECT_TRUE(absl::StartsWith(lines[3], "ADDED ")) << lines[3];
  EXPECT_EQ(lines[4], "-- synced: 2 ports, polled every 30 s");
  EXPECT_TRUE(absl::StartsWith(lines[5], "ADDED ")) << lines[5];
  EXPECT_TRUE(absl::StrContains(lines[5], "/usr/sbin/nginx")) << lines[5];
  EXPECT_TRUE(absl::StartsWith(lines[6], "REMOVED ")) << lines[6];
  EXPECT_TRUE(absl::StartsWith(lines[7], "MODIFIED ")) << lines[7];
  EXPECT_TRUE(absl::StrContains(lines[7], "/usr/sbin/sshd")) << lines[7];
  EXPECT_EQ(lines[8], "-- synced: 2 ports, polled every 30 s");
  // The gateway's error ends the watch: printed, exit code 1.
  EXPECT_TRUE(absl::StrContains(err_, "UNAVAILABLE")) << err_;
}

TEST_F(CliTest, WatchJsonLinesIsOneResponsePerLine) {
  service_.watch = [](grpc::ServerContext*, WatchWriter* writer) {
    return WriteWatchEvents(writer);
  };
  EXPECT_EQ(Run({"watch", target_, "--host_id=h1", "--output=jsonl"}), 1);
  const std::vector<std::string> lines = absl::StrSplit(out_, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << out_;
  hss::ports::v1::WatchPortsResponse first, second;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[0], &first).ok()) << lines[0];
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[1], &second).ok()) << lines[1];
  EXPECT_TRUE(first.reset());
  EXPECT_EQ(first.changes_size(), 2);
  EXPECT_EQ(second.changes(1).kind(), hss::ports::v1::PortChange::KIND_REMOVED);
}

TEST_F(CliTest, WatchEndsWithExitCode0WhenItsDurationPasses) {
  service_.watch = [](grpc::ServerContext* context, WatchWriter* writer) {
    hss::ports::v1::WatchPortsResponse snapshot;
    snapshot.set_reset(true);
    snapshot.set_synced(true);
    writer->Write(snapshot);
    // A live watch with nothing to say: until the caller goes away (bounded).
    for (int i = 0; i < 200 && !context->IsCancelled(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return grpc::Status::OK;
  };
  EXPECT_EQ(Run({"watch", target_, "--host_id=h1", "--duration=300ms"}), 0) << err_;
  EXPECT_TRUE(absl::StrContains(out_, "-- synced: 0 ports")) << out_;
  EXPECT_EQ(Run({"watch", target_, "--host_id=h1", "--duration=0s"}), 2);
  EXPECT_EQ(Run({"watch", target_, "--host_id=h1", "--interval=-1"}), 2);
  EXPECT_TRUE(absl::StrContains(err_, "--interval")) << err_;
}

}  // namespace
}  // namespace hss::client
