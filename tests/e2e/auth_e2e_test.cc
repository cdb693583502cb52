// End-to-end authentication: hss-gateway's own credentials (--auth=aksk, --auth=password,
// project discovery) against hss-sim verifying AK/SK signatures and issuing IAM tokens, and the
// simulator's AK lock-out. Secrets must never show in the gateway's stderr or in gRPC errors.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rapidjson/document.h"
#include "tests/e2e/gateway_env.h"

namespace hss::testing {
namespace {

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::ListPortsResponse;
using hss::ports::v1::PortService;
using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

// Credentials of the tests. Each is distinctive, so that a leak is found by searching for it.
constexpr char kAk[] = "QTWAE2EAKSKEXAMPLE01";
constexpr char kSk[] = "e2e-SK-must-never-leak-9f8e7d6c5b4a";
constexpr char kWrongSk[] = "e2e-WRONG-SK-must-never-leak-1a2b3c";
constexpr char kUser[] = "e2e-user";
constexpr char kDomain[] = "e2e-account";
constexpr char kPassword[] = "e2e-Pa55word-must-never-leak";
// Every token hss-sim issues starts with this (sim/iam/iam_token_store.h).
constexpr char kSimTokenPrefix[] = "MIIsim-";
// What may show of the AK: its first 4 characters.
const std::string kAkLeak = std::string(kAk).substr(0, 5);

// An answer of a plain HTTP request.
struct HttpAnswer {
  long status = 0;
  std::string body;
};

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Sends one HTTP request (no proxy, 10 s limit).
absl::StatusOr<HttpAnswer> Http(const std::string& method, const std::string& url,
                                const std::vector<std::string>& headers = {},
                                const std::string& body = "") {
  CURL* curl = curl_easy_init();
  HttpAnswer answer;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_slist* list = nullptr;
  for (const std::string& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(method, " ", url, ": ", curl_easy_strerror(rc)));
  }
  return answer;
}

// GETs `path` of the simulator's control API as JSON (a null document on failure).
rapidjson::Document SimJson(const std::string& sim_url, const std::string& path) {
  rapidjson::Document doc;
  absl::StatusOr<HttpAnswer> answer = Http("GET", sim_url + path);
  if (!answer.ok() || answer->status != 200) {
    ADD_FAILURE() << path << ": " << (answer.ok() ? answer->body : answer.status().ToString());
    return doc;
  }
  doc.Parse(answer->body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << answer->body;
  return doc;
}

// The integer at `path` under `v`, or -1 when it is missing.
int64_t JsonInt(const rapidjson::Value& v, std::initializer_list<const char*> path) {
  const rapidjson::Value* at = &v;
  for (const char* name : path) {
    if (!at->IsObject() || !at->HasMember(name)) return -1;
    at = &(*at)[name];
  }
  return at->IsInt64() ? at->GetInt64() : -1;
}

// The string at `path` under `v`, or "" when it is missing.
std::string JsonString(const rapidjson::Value& v, std::initializer_list<const char*> path) {
  const rapidjson::Value* at = &v;
  for (const char* name : path) {
    if (!at->IsObject() || !at->HasMember(name)) return "";
    at = &(*at)[name];
  }
  return at->IsString() ? at->GetString() : "";
}

// Fails the test if `text` (described by `what`) holds a secret, a sim-issued token or more of
// the AK than its first 4 characters.
void ExpectNoSecrets(const std::string& text, const std::string& what) {
  for (const std::string secret : {kSk, kWrongSk, kPassword, kSimTokenPrefix}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << what << " shows '" << secret << "':\n"
                                                    << text;
  }
  EXPECT_EQ(text.find(kAkLeak), std::string::npos) << what << " shows the AK:\n" << text;
}

// Checks a gRPC error's message and details for secrets.
void ExpectNoSecrets(const grpc::Status& status) {
  ExpectNoSecrets(status.error_message(), "the gRPC error message");
  ExpectNoSecrets(status.error_details(), "the gRPC error details");
}

std::unique_ptr<PortService::Stub> StubFor(const ChildProcess& gateway) {
  return PortService::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", gateway.port()),
                                                  grpc::InsecureChannelCredentials()));
}

// Calls ListPorts without any caller credentials (the gateway brings its own).
grpc::Status List(PortService::Stub& stub, const std::string& host_id, ListPortsResponse* response,
                  int limit = 0) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  ListPortsRequest request;
  request.set_host_id(host_id);
  request.set_limit(limit);
  return stub.ListPorts(&context, request, response);
}

// Walks a host with StreamPorts; returns the number of ports, or the error.
absl::StatusOr<int> Walk(PortService::Stub& stub, const std::string& host_id,
                         grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  StreamPortsRequest request;
  request.set_host_id(host_id);
  request.set_page_size(100);
  auto reader = stub.StreamPorts(&context, request);
  StreamPortsResponse message;
  int ports = 0;
  while (reader->Read(&message)) ports += message.ports_size();
  *status = reader->Finish();
  if (!status->ok()) return absl::UnknownError(status->error_message());
  return ports;
}

class AuthE2E : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const std::string& path : files_) unlink(path.c_str());
  }

  // Writes `content` to a new file readable by its owner only; returns its path.
  std::string SecretFile(const std::string& content) {
    char path[] = "/tmp/hss-e2e-secret-XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    fchmod(fd, 0600);
    EXPECT_EQ(write(fd, content.data(), content.size()), static_cast<ssize_t>(content.size()));
    close(fd);
    files_.push_back(path);
    return path;
  }

  // Starts hss-sim with `args` (the listen address is added).
  static absl::StatusOr<ChildProcess> StartSim(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {SimBinary(), "--listen=127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    return ChildProcess::Start(argv);
  }

  // Starts hss-gateway against `sim_url` (HSS and IAM) with `args` and `env` added.
  static absl::StatusOr<ChildProcess> StartGateway(const std::string& sim_url,
                                                   const std::vector<std::string>& args,
                                                   const std::vector<std::string>& env) {
    std::vector<std::string> argv = {GatewayBinary(), "--listen=127.0.0.1:0",
                                     absl::StrCat("--endpoint=", sim_url),
                                     absl::StrCat("--iam_endpoint=", sim_url)};
    argv.insert(argv.end(), args.begin(), args.end());
    return ChildProcess::Start(argv, env);
  }

  // hss-sim flags verifying kAk's signatures.
  std::vector<std::string> AkskSimArgs() {
    return {"--auth=aksk", absl::StrCat("--ak=", kAk), absl::StrCat("--sk_file=", SecretFile(kSk))};
  }

  // hss-sim flags of a simulated IAM knowing kUser.
  std::vector<std::string> IamSimArgs() {
    return {absl::StrCat("--iam_users=", kUser, "@", kDomain),
            absl::StrCat("--iam_password_file=", SecretFile(kPassword))};
  }

  // The environment of an AK/SK gateway.
  static std::vector<std::string> AkskEnv(const std::string& sk, const std::string& project = "") {
    std::vector<std::string> env = {absl::StrCat("HUAWEICLOUD_SDK_AK=", kAk),
                                    absl::StrCat("HUAWEICLOUD_SDK_SK=", sk)};
    if (!project.empty()) env.push_back(absl::StrCat("HUAWEICLOUD_SDK_PROJECT_ID=", project));
    return env;
  }

  std::vector<std::string> files_;
};

// GatewayEnv always starts the sim with --auth=token; a later --auth in sim_args overrides it.
TEST_F(AuthE2E, AkskFromTheEnvironmentSignsListAndStream) {
  std::vector<std::string> sim_args = AkskSimArgs();
  sim_args.push_back("--hosts=host-a:450");
  auto env = GatewayEnv::Start({.sim_args = sim_args,
                                // --project_id= (empty) overrides GatewayEnv's default project.
                                .gateway_args = {"--auth=aksk", "--project_id="},
                                .gateway_env = AkskEnv(kSk, "aksk-project")});
  ASSERT_TRUE(env.ok()) << env.status();
  rapidjson::Document info = SimJson((*env)->sim_url(), "/_sim/info");
  ASSERT_TRUE(info.IsObject());
  EXPECT_EQ(JsonString(info, {"auth"}), "aksk");

  auto stub = (*env)->NewStub();
  ListPortsResponse response;
  grpc::Status status = List(*stub, "host-a", &response, 50);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.total_num(), 450);
  EXPECT_EQ(response.data_list_size(), 50);
  absl::StatusOr<int> walked = Walk(*stub, "host-a", &status);
  ASSERT_TRUE(walked.ok()) << walked.status();
  EXPECT_EQ(*walked, 450);

  const std::vector<SimRequest> log = (*env)->SimRequests();
  ASSERT_EQ(log.size(), 6u);  // 1 + 5 pages.
  for (const SimRequest& request : log) {
    EXPECT_EQ(request.auth, "aksk");
    EXPECT_EQ(request.status, 200);
    EXPECT_EQ(request.path, "/v5/aksk-project/asset/ports");
  }
  ExpectNoSecrets((*env)->gateway().ReadStderr(), "the gateway's stderr");
}

TEST_F(AuthE2E, AWrongSecretKeyIsRejectedWithoutShowingAnySecret) {
  auto env = GatewayEnv::Start({.sim_args = AkskSimArgs(),
                                .gateway_args = {"--auth=aksk"},
                                .gateway_env = AkskEnv(kWrongSk)});
  ASSERT_TRUE(env.ok()) << env.status();
  auto stub = (*env)->NewStub();
  ListPortsResponse response;
  const grpc::Status list = List(*stub, "host-a", &response);
  EXPECT_TRUE(list.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
              list.error_code() == grpc::StatusCode::INTERNAL)
      << list.error_code() << ": " << list.error_message();
  ExpectNoSecrets(list);
  grpc::Status stream;
  EXPECT_FALSE(Walk(*stub, "host-a", &stream).ok());
  EXPECT_EQ(stream.error_code(), list.error_code());
  ExpectNoSecrets(stream);
  ExpectNoSecrets((*env)->gateway().ReadStderr(), "the gateway's stderr");
  for (const SimRequest& request : (*env)->SimRequests()) EXPECT_EQ(request.status, 401);
  std::printf("wrong SK -> %d: %s\n", static_cast<int>(list.error_code()),
              list.error_message().c_str());
}

TEST_F(AuthE2E, PasswordTokensAreCachedAndRefreshedOneAtATime) {
  std::vector<std::string> sim_args = IamSimArgs();
  sim_args.insert(sim_args.end(), {"--auth=iam", "--iam_token_lifetime=2s", "--iam_latency_ms=100",
                                   absl::StrCat("--iam_projects=cn-north-4:", GatewayEnv::kProject),
                                   "--hosts=host-a:57"});
  auto sim = StartSim(sim_args);
  ASSERT_TRUE(sim.ok()) << sim.status();
  const std::string sim_url = absl::StrCat("http://127.0.0.1:", sim->port());
  auto env = GatewayEnv::Start(
      {.gateway_args = {"--auth=password", absl::StrCat("--iam_endpoint=", sim_url),
                        absl::StrCat("--iam_user=", kUser), absl::StrCat("--iam_domain=", kDomain),
                        "--iam_project=cn-north-4"},
       .gateway_env = {absl::StrCat("HSS_IAM_PASSWORD=", kPassword)},
       .endpoint_override = sim_url});
  ASSERT_TRUE(env.ok()) << env.status();

  // 200 calls from 4 callers, one every 30 ms in all, over 6 s (3 token lifetimes).
  constexpr int kCallers = 4;
  constexpr int kCallsEach = 50;
  const absl::Time start = absl::Now();
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      auto stub = (*env)->NewStub();
      for (int i = 0; i < kCallsEach; ++i) {
        absl::SleepFor(start + absl::Milliseconds(30 * (i * kCallers + c)) - absl::Now());
        ListPortsResponse response;
        const grpc::Status status = List(*stub, "host-a", &response);
        if (!status.ok() || response.total_num() != 57) {
          ADD_FAILURE() << "call " << i << " of caller " << c << ": " << status.error_message();
          ExpectNoSecrets(status);
          ++failures;
        }
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(failures.load(), 0);

  rapidjson::Document stats = SimJson(sim_url, "/_sim/stats");
  ASSERT_TRUE(stats.IsObject());
  const auto& iam = stats["iam"];
  std::printf("%s\n", absl::StrCat("IAM token requests for ", kCallers * kCallsEach, " calls in ",
                                   absl::FormatDuration(absl::Now() - start), ": ",
                                   JsonInt(iam, {"token_requests"}),
                                   " (most at once: ", JsonInt(iam, {"token_max_in_flight"}), ")")
                          .c_str());
  // The issue's bounds: at least 2 tokens (6 s of calls outlive one 2-second token), at most 5
  // (the gateway refreshes in the background once 80% of a token's lifetime has passed:
  // every 1.6 s here, so 1 + 6 s / 1.6 s ≈ 4-5).
  EXPECT_GE(JsonInt(iam, {"token_requests"}), 2);
  EXPECT_LE(JsonInt(iam, {"token_requests"}), 5);
  EXPECT_EQ(JsonInt(iam, {"token_failures"}), 0);
  EXPECT_EQ(JsonInt(iam, {"token_max_in_flight"}), 1);
  // Every HSS request carried a valid token: none was refused as expired. (Identical calls that
  // overlap are coalesced, so HSS may see a few fewer requests than there were calls.)
  EXPECT_LE(JsonInt(stats, {"requests"}), kCallers * kCallsEach);
  EXPECT_GE(JsonInt(stats, {"requests"}), kCallers * kCallsEach / 2);
  EXPECT_EQ(JsonInt(stats, {"by_status", "200"}), JsonInt(stats, {"requests"}));

  // The token requests as the simulator logged them: the configured user and scope.
  absl::StatusOr<HttpAnswer> log = Http("GET", sim_url + "/_sim/requests");
  ASSERT_TRUE(log.ok());
  ExpectNoSecrets(log->body, "the simulator's request log");
  rapidjson::Document requests;
  requests.Parse(log->body.c_str());
  ASSERT_TRUE(requests.IsArray());
  int64_t previous_ms = -1;
  for (const auto& request : requests.GetArray()) {
    if (JsonString(request, {"path"}) != "/v3/auth/tokens") continue;
    // One refresh per half lifetime at most (1 s, minus clock slack).
    const int64_t time_ms = JsonInt(request, {"time_ms"});
    if (previous_ms >= 0) {
      EXPECT_GE(time_ms - previous_ms, 900);
    }
    previous_ms = time_ms;
    EXPECT_EQ(JsonString(request, {"iam", "user"}), kUser);
    EXPECT_EQ(JsonString(request, {"iam", "domain"}), kDomain);
    EXPECT_EQ(JsonString(request, {"iam", "scope_project_name"}), "cn-north-4");
    EXPECT_EQ(JsonString(request, {"iam", "outcome"}), "issued");
  }
  ExpectNoSecrets((*env)->gateway().ReadStderr(), "the gateway's stderr");
}

// Without a configured project id, the gateway asks IAM once for the project of its region.
TEST_F(AuthE2E, AkskGatewayDiscoversItsProjectOnce) {
  std::vector<std::string> sim_args = AkskSimArgs();
  sim_args.insert(sim_args.end(), {"--iam_projects=cn-north-4:cn4-project-id,ap-southeast-1:ap1",
                                   "--hosts=host-a:57"});
  auto sim = StartSim(sim_args);
  ASSERT_TRUE(sim.ok()) << sim.status();
  const std::string sim_url = absl::StrCat("http://127.0.0.1:", sim->port());
  auto gateway = StartGateway(sim_url, {"--auth=aksk", "--region=cn-north-4"}, AkskEnv(kSk));
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = StubFor(*gateway);
  for (int i = 0; i < 20; ++i) {
    ListPortsResponse response;
    const grpc::Status status = List(*stub, "host-a", &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.total_num(), 57);
  }
  rapidjson::Document stats = SimJson(sim_url, "/_sim/stats");
  EXPECT_EQ(JsonInt(stats, {"iam", "project_requests"}), 1);
  EXPECT_EQ(JsonInt(stats, {"iam", "project_failures"}), 0);
  EXPECT_EQ(JsonInt(stats, {"by_status", "200"}), 20);
  rapidjson::Document log = SimJson(sim_url, "/_sim/requests");
  ASSERT_TRUE(log.IsArray());
  ASSERT_EQ(log.Size(), 21u);
  EXPECT_EQ(JsonString(log[0], {"path"}), "/v3/projects");
  EXPECT_EQ(JsonString(log[0], {"query", "name"}), "cn-north-4");
  EXPECT_EQ(JsonString(log[0], {"auth"}), "aksk");
  for (rapidjson::SizeType i = 1; i < log.Size(); ++i) {
    EXPECT_EQ(JsonString(log[i], {"path"}), "/v5/cn4-project-id/asset/ports");
  }
  ExpectNoSecrets(gateway->ReadStderr(), "the gateway's stderr");
}

TEST_F(AuthE2E, PasswordGatewayDiscoversItsProjectOnce) {
  std::vector<std::string> sim_args = IamSimArgs();
  sim_args.insert(sim_args.end(),
                  {"--auth=iam", "--iam_projects=cn-north-4:cn4-project-id,ap-southeast-1:ap1",
                   "--hosts=host-a:57"});
  auto sim = StartSim(sim_args);
  ASSERT_TRUE(sim.ok()) << sim.status();
  const std::string sim_url = absl::StrCat("http://127.0.0.1:", sim->port());
  auto gateway =
      StartGateway(sim_url,
                   {"--auth=password", "--region=cn-north-4", absl::StrCat("--iam_user=", kUser),
                    absl::StrCat("--iam_domain=", kDomain)},
                   {absl::StrCat("HSS_IAM_PASSWORD=", kPassword)});
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  auto stub = StubFor(*gateway);
  for (int i = 0; i < 20; ++i) {
    ListPortsResponse response;
    const grpc::Status status = List(*stub, "host-a", &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  rapidjson::Document stats = SimJson(sim_url, "/_sim/stats");
  EXPECT_EQ(JsonInt(stats, {"iam", "project_requests"}), 1);
  EXPECT_EQ(JsonInt(stats, {"iam", "token_requests"}), 1);
  EXPECT_EQ(JsonInt(stats, {"by_status", "200"}), 20);
  rapidjson::Document log = SimJson(sim_url, "/_sim/requests");
  ASSERT_TRUE(log.IsArray());
  for (const auto& request : log.GetArray()) {
    const std::string path = JsonString(request, {"path"});
    if (path == "/v3/projects") {
      EXPECT_EQ(JsonString(request, {"auth"}), "token");
    } else if (path.starts_with("/v5/")) {
      EXPECT_EQ(path, "/v5/cn4-project-id/asset/ports");
    }
  }
  ExpectNoSecrets(gateway->ReadStderr(), "the gateway's stderr");
}

TEST_F(AuthE2E, ProjectDiscoveryFailsClearlyOnZeroOrSeveralMatches) {
  std::vector<std::string> sim_args = AkskSimArgs();
  sim_args.push_back("--iam_projects=cn-north-4:first,cn-north-4:second,eu-west-0:eu");
  auto sim = StartSim(sim_args);
  ASSERT_TRUE(sim.ok()) << sim.status();
  const std::string sim_url = absl::StrCat("http://127.0.0.1:", sim->port());

  auto several = StartGateway(sim_url, {"--auth=aksk", "--region=cn-north-4"}, AkskEnv(kSk));
  ASSERT_FALSE(several.ok()) << "started although IAM lists 2 projects named cn-north-4";
  const std::string several_error(several.status().message());
  EXPECT_NE(several_error.find("2 projects named \"cn-north-4\""), std::string::npos)
      << several_error;
  EXPECT_NE(several_error.find("--project_id"), std::string::npos) << several_error;
  ExpectNoSecrets(several_error, "the start-up error");

  auto none = StartGateway(sim_url, {"--auth=aksk", "--region=ap-southeast-1"}, AkskEnv(kSk));
  ASSERT_FALSE(none.ok()) << "started although IAM lists no project named ap-southeast-1";
  const std::string none_error(none.status().message());
  EXPECT_NE(none_error.find("no project named \"ap-southeast-1\""), std::string::npos)
      << none_error;
  EXPECT_NE(none_error.find("--project_id"), std::string::npos) << none_error;
  ExpectNoSecrets(none_error, "the start-up error");

  rapidjson::Document stats = SimJson(sim_url, "/_sim/stats");
  EXPECT_EQ(JsonInt(stats, {"iam", "project_requests"}), 2);
  EXPECT_EQ(JsonInt(stats, {"requests"}), 0);
}

// After more than 5 consecutive bad signatures the simulator locks the AK, as the real API
// gateway does: even the gateway's well-signed request is refused until the lock ends.
TEST_F(AuthE2E, SixBadSignaturesLockTheAk) {
  std::vector<std::string> sim_args = AkskSimArgs();
  sim_args.insert(sim_args.end(), {"--aksk_lockout=2s", "--hosts=host-a:57"});
  auto env = GatewayEnv::Start(
      {.sim_args = sim_args, .gateway_args = {"--auth=aksk"}, .gateway_env = AkskEnv(kSk)});
  ASSERT_TRUE(env.ok()) << env.status();
  auto stub = (*env)->NewStub();
  ListPortsResponse response;
  grpc::Status status = List(*stub, "host-a", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const std::string url =
      absl::StrCat((*env)->sim_url(), "/v5/", GatewayEnv::kProject, "/asset/ports?host_id=host-a");
  const std::string date = absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone());
  const std::vector<std::string> forged = {
      absl::StrCat("X-Sdk-Date: ", date),
      absl::StrCat("Authorization: SDK-HMAC-SHA256 Access=", kAk,
                   ", SignedHeaders=x-sdk-date, Signature=", std::string(64, '0'))};
  for (int i = 1; i <= 6; ++i) {
    absl::StatusOr<HttpAnswer> answer = Http("GET", url, forged);
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->status, 401);
    EXPECT_NE(answer->body.find("signature mismatch"), std::string::npos) << answer->body;
  }
  rapidjson::Document lockout = SimJson((*env)->sim_url(), "/_sim/aksk/lockout");
  EXPECT_EQ(JsonInt(lockout, {"locks"}), 1);

  status = List(*stub, "host-a", &response);
  EXPECT_TRUE(status.error_code() == grpc::StatusCode::UNAUTHENTICATED ||
              status.error_code() == grpc::StatusCode::INTERNAL)
      << status.error_code() << ": " << status.error_message();
  ExpectNoSecrets(status);
  const std::vector<SimRequest> log = (*env)->SimRequests();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back().auth, "aksk");
  EXPECT_EQ(log.back().status, 401);
  std::printf("locked AK -> %d: %s\n", static_cast<int>(status.error_code()),
              status.error_message().c_str());
  lockout = SimJson((*env)->sim_url(), "/_sim/aksk/lockout");
  EXPECT_GE(JsonInt(lockout, {"refused"}), 1);

  // The lock ends after --aksk_lockout; the count starts again.
  absl::SleepFor(absl::Milliseconds(2100));
  status = List(*stub, "host-a", &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  ExpectNoSecrets((*env)->gateway().ReadStderr(), "the gateway's stderr");
}

}  // namespace
}  // namespace hss::testing
