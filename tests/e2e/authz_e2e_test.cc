// End-to-end caller authorization: an mTLS gateway with a policy file, called
// with client certificates of two identities (made by the openssl CLI); the
// policy reloaded while the gateway runs; a mesh's x-forwarded-client-cert
// trusted only when configured.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/e2e/error_details.h"
#include "tests/e2e/gateway_env.h"
#include "tests/e2e/test_certificates.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::PortService;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

constexpr char kScanner[] = "spiffe://e2e.test/ns/ops/sa/scanner";
constexpr char kAuditor[] = "dns:auditor.e2e.test";

// The scanner may list and stream everything of the gateway's project; the
// auditor may only list web-* hosts; the ops CLI (a certificate with only a
// subject CN) may only stream.
const std::string kPolicy = absl::StrCat(R"({"rules": [
  {"name": "scanner", "callers": [")",
                                         kScanner, R"("],
   "methods": ["ListPorts", "StreamPorts"], "projects": [")",
                                         GatewayEnv::kProject, R"("]},
  {"name": "auditor", "callers": [")",
                                         kAuditor, R"("],
   "methods": ["ListPorts"], "projects": [")",
                                         GatewayEnv::kProject, R"("],
   "host_ids": ["web-*"]},
  {"name": "ops CLI", "callers": ["cn:ops-cli"], "methods": ["StreamPorts"], "projects": ["*"]}
]})");

class AuthzE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveOpensslCli()) GTEST_SKIP() << "the openssl CLI is not installed (package openssl)";
    auto certs = TestCertificates::Create();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_.emplace(*std::move(certs));
    ASSERT_TRUE(certs_->MakeCa("ca").ok());
    ASSERT_TRUE(certs_->MakeServer("server", "ca").ok());
    ASSERT_TRUE(
        certs_->MakeLeaf("scanner", "ca", "scanner", absl::StrCat("URI:", kScanner), "clientAuth")
            .ok());
    ASSERT_TRUE(
        certs_->MakeLeaf("auditor", "ca", "auditor", "DNS:auditor.e2e.test", "clientAuth").ok());
    WritePolicy(kPolicy);
  }

  void WritePolicy(const std::string& policy) const {
    const std::string staged = certs_->Path("policy.json.new");
    std::ofstream(staged) << policy;
    ASSERT_EQ(std::rename(staged.c_str(), certs_->Path("policy.json").c_str()), 0);
  }

  void StartGateway(bool mtls, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        absl::StrCat("--authz_policy_file=", certs_->Path("policy.json")),
        "--authz_reload_interval=200ms"};
    if (mtls) {
      args.push_back(absl::StrCat("--tls_cert_file=", certs_->Path("server.crt")));
      args.push_back(absl::StrCat("--tls_key_file=", certs_->Path("server.key")));
      args.push_back(absl::StrCat("--tls_client_ca_file=", certs_->Path("ca.crt")));
    }
    args.insert(args.end(), extra.begin(), extra.end());
    auto env = GatewayEnv::Start(
        {.sim_args = {"--hosts=db-1:30,web-1:5"}, .gateway_args = std::move(args)});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  // A stub presenting the client certificate `name` (empty: plaintext).
  std::unique_ptr<PortService::Stub> StubAs(const std::string& name) const {
    if (name.empty()) return env_->NewStub();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = certs_->Read("ca.crt");
    ssl.pem_cert_chain = certs_->Read(name + ".crt");
    ssl.pem_private_key = certs_->Read(name + ".key");
    return PortService::NewStub(
        grpc::CreateChannel(env_->gateway_target(), grpc::SslCredentials(ssl)));
  }

  static grpc::Status List(PortService::Stub& stub, const std::string& host,
                           const std::string& xfcc = "") {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    if (!xfcc.empty()) context.AddMetadata("x-forwarded-client-cert", xfcc);
    ListPortsRequest request;
    request.set_host_id(host);
    ListPortsResponse response;
    return stub.ListPorts(&context, request, &response);
  }

  // Expects `status` to be the policy's denial of `caller`.
  static void ExpectDenied(const grpc::Status& status, const std::string& caller) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
    DecodedError error = Decode(status);
    ASSERT_TRUE(error.error_info.has_value()) << status.error_message();
    EXPECT_EQ(error.error_info->reason(), "CALLER_NOT_AUTHORIZED");
    EXPECT_EQ(error.error_info->metadata().at("callerIdentity"), caller);
    EXPECT_EQ(error.error_info->metadata().at("projectId"), GatewayEnv::kProject);
  }

  std::optional<TestCertificates> certs_;
  std::unique_ptr<GatewayEnv> env_;
};

TEST_F(AuthzE2E, TwoCertificateIdentitiesGetWhatThePolicyGivesThem) {
  StartGateway(/*mtls=*/true);
  auto scanner = StubAs("scanner");
  auto auditor = StubAs("auditor");
  grpc::Status status = List(*scanner, "db-1");
  EXPECT_TRUE(status.ok()) << status.error_message();
  {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    StreamPortsRequest request;
    request.set_host_id("db-1");
    request.set_page_size(10);
    auto reader = scanner->StreamPorts(&context, request);
    StreamPortsResponse page;
    int ports = 0;
    while (reader->Read(&page)) ports += page.ports_size();
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_EQ(ports, 30);
  }
  status = List(*auditor, "web-1");
  EXPECT_TRUE(status.ok()) << status.error_message();

  env_->ClearSimRequests();
  ExpectDenied(List(*auditor, "db-1"), kAuditor);
  {
    grpc::ClientContext context;
    GatewayEnv::Prepare(context);
    StreamPortsRequest request;
    request.set_host_id("web-1");
    auto reader = auditor->StreamPorts(&context, request);
    StreamPortsResponse page;
    EXPECT_FALSE(reader->Read(&page));
    ExpectDenied(reader->Finish(), kAuditor);
  }
  // Without a trusted header configured, a forged XFCC changes nothing.
  ExpectDenied(List(*auditor, "db-1", absl::StrCat("URI=", kScanner)), kAuditor);
  EXPECT_TRUE(env_->SimRequests().empty()) << "a denied call reached HSS";

  const std::string log = env_->gateway().ReadStderr();
  EXPECT_TRUE(absl::StrContains(log, "\"reason\":\"CALLER_NOT_AUTHORIZED\"")) << log;
  EXPECT_TRUE(absl::StrContains(log, absl::StrCat("\"caller\":\"", kAuditor, "\""))) << log;
  EXPECT_TRUE(absl::StrContains(log, absl::StrCat("\"caller\":\"", kScanner, "\""))) << log;
}

TEST_F(AuthzE2E, ACertificateWithoutSansIsNamedByItsCommonName) {
  ASSERT_TRUE(certs_->MakeLeaf("ops", "ca", "ops-cli", "", "clientAuth").ok());
  StartGateway(/*mtls=*/true);
  auto ops = StubAs("ops");
  ExpectDenied(List(*ops, "db-1"), "cn:ops-cli");
  grpc::ClientContext context;
  GatewayEnv::Prepare(context);
  StreamPortsRequest request;
  request.set_host_id("web-1");
  auto reader = ops->StreamPorts(&context, request);
  StreamPortsResponse page;
  while (reader->Read(&page)) {
  }
  grpc::Status status = reader->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(AuthzE2E, APolicyReloadTakesEffectAndABrokenOneIsRefused) {
  StartGateway(/*mtls=*/true);
  auto auditor = StubAs("auditor");
  ExpectDenied(List(*auditor, "db-1"), kAuditor);

  WritePolicy("{\"rules\": [");  // Broken: the last good policy stays.
  WritePolicy(absl::StrCat(R"({"rules": [{"callers": [")", kAuditor,
                           R"("], "methods": ["*"], "projects": ["*"]}]})"));
  const absl::Time written = absl::Now();
  bool allowed = false;
  while (!allowed && absl::Now() - written < absl::Seconds(10)) {
    allowed = List(*auditor, "db-1").ok();
    if (!allowed) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(allowed) << "the reloaded policy did not take effect within 10 s";
  std::printf("policy reload took effect after %s\n",
              absl::FormatDuration(absl::Now() - written).c_str());

  WritePolicy("{not json");
  const absl::Time broken = absl::Now();
  std::string log;
  while (!absl::StrContains(log, "not reloaded") && absl::Now() - broken < absl::Seconds(10)) {
    absl::SleepFor(absl::Milliseconds(50));
    log = env_->gateway().ReadStderr();
  }
  EXPECT_TRUE(absl::StrContains(log, "not reloaded: not JSON")) << log;
  EXPECT_TRUE(List(*auditor, "db-1").ok()) << "the last good policy was dropped";
}

// Behind a mesh that terminates mTLS, the sidecar's x-forwarded-client-cert names the caller.
TEST_F(AuthzE2E, ATrustedXfccHeaderNamesTheCaller) {
  StartGateway(/*mtls=*/false, {"--authz_trusted_identity_header=x-forwarded-client-cert"});
  auto stub = StubAs("");
  grpc::Status status = List(
      *stub, "db-1", absl::StrCat("By=spiffe://e2e.test/ns/hss/sa/gateway;Hash=ab;URI=", kScanner));
  EXPECT_TRUE(status.ok()) << status.error_message();
  ExpectDenied(List(*stub, "db-1"), "anonymous");
  ExpectDenied(List(*stub, "db-1", "Hash=ab;DNS=auditor.e2e.test"), kAuditor);
}

TEST_F(AuthzE2E, ABadPolicyFailsStartUp) {
  WritePolicy(R"({"rules": [{"callers": ["a"], "methods": ["Delete"], "projects": ["p"]}]})");
  auto env = GatewayEnv::Start(
      {.gateway_args = {absl::StrCat("--authz_policy_file=", certs_->Path("policy.json"))}});
  ASSERT_FALSE(env.ok());
  EXPECT_TRUE(absl::StrContains(env.status().message(),
                                absl::StrCat("--authz_policy_file=", certs_->Path("policy.json"),
                                             ": rule 1 (rule 1): unknown method \"Delete\"")))
      << env.status();
}

}  // namespace
}  // namespace hss::testing
