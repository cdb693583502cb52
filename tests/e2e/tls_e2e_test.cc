// End-to-end TLS and mTLS on the gateway's listener, with certificates made by
// the openssl CLI: a TLS call, mTLS refusing a client without a certificate,
// a rotated certificate reaching new connections (established ones stay up),
// start-up failing on a bad file, and the Python and hss-ports clients over TLS.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/e2e/gateway_env.h"
#include "tests/e2e/test_certificates.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::PortService;

constexpr char kHost[] = "tls-host";
constexpr int kHostPorts = 57;

// A TLS client's certificates: `ca` verifies the gateway; `cert`/`key`, when
// set, are the client's own (mTLS).
struct ClientTls {
  std::string ca;
  std::string cert;
  std::string key;
};

class TlsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveOpensslCli()) GTEST_SKIP() << "the openssl CLI is not installed (package openssl)";
    auto certs = TestCertificates::Create();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_.emplace(*std::move(certs));
    ASSERT_TRUE(certs_->MakeCa("ca").ok());
    ASSERT_TRUE(certs_->MakeCa("other-ca").ok());
    // The server's files are read through the link "live", as from a Kubernetes secret mount.
    ASSERT_TRUE(certs_->MakeServer("gen1/server", "ca").ok());
    ASSERT_TRUE(certs_->PointLink("live", "gen1").ok());
    absl::Status client = certs_->MakeLeaf("client", "ca", "scanner",
                                           "URI:spiffe://e2e.test/ns/ops/sa/scanner", "clientAuth");
    ASSERT_TRUE(client.ok()) << client;
  }

  // Starts the gateway with TLS (and mTLS when `mutual`).
  void StartGateway(bool mutual, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        absl::StrCat("--tls_cert_file=", certs_->Path("live/server.crt")),
        absl::StrCat("--tls_key_file=", certs_->Path("live/server.key"))};
    if (mutual) args.push_back(absl::StrCat("--tls_client_ca_file=", certs_->Path("ca.crt")));
    args.insert(args.end(), extra.begin(), extra.end());
    auto env = GatewayEnv::Start(
        {.sim_args = {absl::StrCat("--hosts=", kHost, ":", kHostPorts)}, .gateway_args = args});
    ASSERT_TRUE(env.ok()) << env.status();
    env_ = *std::move(env);
  }

  std::shared_ptr<grpc::Channel> TlsChannel(const ClientTls& tls) const {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = certs_->Read(tls.ca);
    if (!tls.cert.empty()) {
      ssl.pem_cert_chain = certs_->Read(tls.cert);
      ssl.pem_private_key = certs_->Read(tls.key);
    }
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // A new connection per channel.
    return grpc::CreateCustomChannel(env_->gateway_target(), grpc::SslCredentials(ssl), args);
  }

  static grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel,
                           ListPortsResponse* response = nullptr) {
    ListPortsResponse ignored;
    grpc::ClientContext context;
    GatewayEnv::Prepare(context, absl::Seconds(5));
    ListPortsRequest request;
    request.set_host_id(kHost);
    return PortService::NewStub(channel)->ListPorts(&context, request,
                                                    response != nullptr ? response : &ignored);
  }

  std::optional<TestCertificates> certs_;
  std::unique_ptr<GatewayEnv> env_;
};

TEST_F(TlsE2E, TlsCallWorksAndPlaintextIsRefused) {
  StartGateway(/*mutual=*/false);
  ListPortsResponse response;
  grpc::Status status = Call(TlsChannel({.ca = "ca.crt"}), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.total_num(), kHostPorts);

  grpc::Status plaintext =
      Call(grpc::CreateChannel(env_->gateway_target(), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE) << plaintext.error_message();
  grpc::Status untrusted = Call(TlsChannel({.ca = "other-ca.crt"}));
  EXPECT_EQ(untrusted.error_code(), grpc::StatusCode::UNAVAILABLE) << untrusted.error_message();
}

TEST_F(TlsE2E, MtlsRefusesAClientWithoutACertificate) {
  StartGateway(/*mutual=*/true);
  grpc::Status anonymous = Call(TlsChannel({.ca = "ca.crt"}));
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAVAILABLE) << anonymous.error_message();

  ASSERT_TRUE(certs_->MakeCa("rogue-ca").ok());
  ASSERT_TRUE(certs_->MakeLeaf("rogue", "rogue-ca", "rogue", "", "clientAuth").ok());
  grpc::Status rogue = Call(TlsChannel({.ca = "ca.crt", .cert = "rogue.crt", .key = "rogue.key"}));
  EXPECT_EQ(rogue.error_code(), grpc::StatusCode::UNAVAILABLE) << rogue.error_message();

  grpc::Status with_cert =
      Call(TlsChannel({.ca = "ca.crt", .cert = "client.crt", .key = "client.key"}));
  EXPECT_TRUE(with_cert.ok()) << with_cert.error_message();
}

// --tls_reload_interval=1s: a certificate from another CA replaces the
// server's; within the documented delay (one interval, plus the handshake)
// new connections get it, and a connection opened before keeps working.
TEST_F(TlsE2E, RotatedCertificateReachesNewConnections) {
  StartGateway(/*mutual=*/false, {"--tls_reload_interval=1s"});
  std::shared_ptr<grpc::Channel> before = TlsChannel({.ca = "ca.crt"});
  ASSERT_TRUE(Call(before).ok());
  EXPECT_EQ(Call(TlsChannel({.ca = "other-ca.crt"})).error_code(), grpc::StatusCode::UNAVAILABLE);

  ASSERT_TRUE(certs_->MakeServer("gen2/server", "other-ca").ok());
  ASSERT_TRUE(certs_->PointLink("live", "gen2").ok());
  const absl::Time rotated = absl::Now();
  bool served = false;
  // Bounded: 1 s interval, so 10 s is far beyond the documented delay.
  while (!served && absl::Now() - rotated < absl::Seconds(10)) {
    served = Call(TlsChannel({.ca = "other-ca.crt"})).ok();
    if (!served) absl::SleepFor(absl::Milliseconds(100));
  }
  const absl::Duration delay = absl::Now() - rotated;
  ASSERT_TRUE(served) << "the rotated certificate was not served within 10 s";
  EXPECT_LT(delay, absl::Seconds(3)) << "documented: within --tls_reload_interval (1 s here)";
  std::printf("rotated certificate served to a new connection after %s\n",
              absl::FormatDuration(delay).c_str());
  // The connection made before the rotation was not dropped: it trusts only the old CA, so a
  // reconnection would fail its handshake.
  grpc_connectivity_state state = before->GetState(false);
  EXPECT_EQ(state, GRPC_CHANNEL_READY);
  EXPECT_TRUE(Call(before).ok());
  // New connections trusting only the old CA now fail.
  EXPECT_EQ(Call(TlsChannel({.ca = "ca.crt"})).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsE2E, BadFilesFailStartUpNamingTheFile) {
  const std::string missing = certs_->Path("missing.crt");
  auto env = GatewayEnv::Start(
      {.gateway_args = {absl::StrCat("--tls_cert_file=", missing),
                        absl::StrCat("--tls_key_file=", certs_->Path("live/server.key"))}});
  ASSERT_FALSE(env.ok());
  EXPECT_TRUE(absl::StrContains(env.status().message(),
                                absl::StrCat("--tls_cert_file=", missing, ": No such file")))
      << env.status();

  auto mismatch = GatewayEnv::Start(
      {.gateway_args = {absl::StrCat("--tls_cert_file=", certs_->Path("live/server.crt")),
                        absl::StrCat("--tls_key_file=", certs_->Path("client.key"))}});
  ASSERT_FALSE(mismatch.ok());
  EXPECT_TRUE(
      absl::StrContains(mismatch.status().message(), "is not the key of the first certificate"))
      << mismatch.status();

  auto bad_ca = GatewayEnv::Start(
      {.gateway_args = {absl::StrCat("--tls_cert_file=", certs_->Path("live/server.crt")),
                        absl::StrCat("--tls_key_file=", certs_->Path("live/server.key")),
                        absl::StrCat("--tls_client_ca_file=", certs_->Path("client.csr"))}});
  ASSERT_FALSE(bad_ca.ok());
  EXPECT_TRUE(absl::StrContains(bad_ca.status().message(),
                                absl::StrCat("--tls_client_ca_file=", certs_->Path("client.csr"),
                                             ": holds no PEM certificate")))
      << bad_ca.status();
}

// Runs `command` through the shell; returns its exit code and (in `output`) stdout+stderr.
int RunShell(const std::string& command, std::string* output) {
  const std::string line = absl::StrCat(command, " 2>&1");
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output->append(buffer, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// client/examples/python/ports_example.py (Debian's python3-grpcio) over mTLS.
TEST_F(TlsE2E, PythonClientConnectsOverTls) {
  if (std::system("/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with grpc (Debian python3-grpcio) is not installed";
  }
  StartGateway(/*mutual=*/true);
  const std::string source = HSS_SOURCE_DIR;
  const std::string gen = certs_->Path("gen-python");
  std::string output;
  ASSERT_EQ(RunShell(absl::StrCat("mkdir -p ", gen, " && protoc --python_out=", gen, " --grpc_out=",
                                  gen, " --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin -I ",
                                  source, "/proto ", source, "/proto/hss/ports/v1/ports.proto ",
                                  source, "/proto/google/rpc/status.proto ", source,
                                  "/proto/google/rpc/error_details.proto"),
                     &output),
            0)
      << output;
  const std::string example = absl::StrCat(
      "PYTHONPATH=", gen, " HSS_AUTH_TOKEN=", GatewayEnv::kToken, " /usr/bin/python3 ", source,
      "/client/examples/python/ports_example.py --target=", env_->gateway_target(),
      " --host_id=", kHost, " --expect_total=", kHostPorts,
      " --tls_ca_file=", certs_->Path("ca.crt"));
  output.clear();
  EXPECT_EQ(RunShell(absl::StrCat(example, " --tls_cert_file=", certs_->Path("client.crt"),
                                  " --tls_key_file=", certs_->Path("client.key")),
                     &output),
            0)
      << output;
  EXPECT_TRUE(absl::StrContains(output, "OK")) << output;
  // Without its certificate the same client is refused.
  output.clear();
  EXPECT_NE(RunShell(example, &output), 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "UNAVAILABLE")) << output;
}

// hss-ports --tls_ca_file/--tls_cert_file/--tls_key_file against the mTLS gateway.
TEST_F(TlsE2E, HssPortsCliCallsAnMtlsGateway) {
  StartGateway(/*mutual=*/true);
  const std::string cli = absl::StrCat(
      HSS_PORTS_BIN, " list --target=", env_->gateway_target(), " --host_id=", kHost,
      " --output=json --token=", GatewayEnv::kToken, " --tls_ca_file=", certs_->Path("ca.crt"));
  std::string output;
  EXPECT_EQ(RunShell(absl::StrCat(cli, " --tls_cert_file=", certs_->Path("client.crt"),
                                  " --tls_key_file=", certs_->Path("client.key")),
                     &output),
            0)
      << output;
  EXPECT_TRUE(absl::StrContains(output, absl::StrCat("\"total_num\": ", kHostPorts))) << output;
  // Without its certificate the handshake is refused.
  output.clear();
  EXPECT_NE(RunShell(cli, &output), 0) << output;
  EXPECT_TRUE(absl::StrContains(output, "UNAVAILABLE")) << output;
}

}  // namespace
}  // namespace hss::testing
