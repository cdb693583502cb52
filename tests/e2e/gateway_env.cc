#include "tests/e2e/gateway_env.h"

#include <curl/curl.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "tests/e2e/sanitizer_reports.h"

namespace hss::testing {
namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// "exit code N" or "signal N", from a waitpid status.
std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exit code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return absl::StrCat("signal ", WTERMSIG(status));
  return absl::StrCat("wait status ", status);
}

// The last `lines` lines of `text`.
std::string Tail(const std::string& text, int lines) {
  size_t start = text.size();
  for (int i = 0; i <= lines && start > 0; ++i) {
    start = text.rfind('\n', start - 1);
    if (start == std::string::npos) return text;
  }
  return text.substr(start + 1);
}

// Stops `child` (unless the test already did) and reports what went wrong with it.
void StopAndCheck(const char* name, std::optional<ChildProcess>& child) {
  if (!child) return;
  std::string problem;
  if (!child->stop_requested()) {
    if (std::optional<int> early = child->ExitedEarly()) {
      problem = absl::StrCat("exited during the test (", DescribeExit(*early), ")");
    } else if (absl::StatusOr<int> exit = child->Stop(SIGTERM, absl::Seconds(20)); !exit.ok()) {
      problem = "did not exit within 20 s of SIGTERM";
    } else if (!WIFEXITED(*exit) || WEXITSTATUS(*exit) != 0) {
      problem = absl::StrCat("ended with ", DescribeExit(*exit), " on SIGTERM");
    }
  }
  const std::string err = child->ReadStderr();
  const std::vector<std::string> reports = SanitizerReportsToFailOn(err);
  if (!reports.empty()) {
    ADD_FAILURE() << name << " printed " << reports.size() << " sanitizer report(s)"
                  << (problem.empty() ? "" : absl::StrCat(" and ", problem)) << "; the first:\n"
                  << reports.front();
  } else if (!problem.empty()) {
    ADD_FAILURE() << name << " " << problem << "; the end of its stderr:\n" << Tail(err, 60);
  } else if (::testing::Test::HasFailure() && std::string_view(name) == "hss-gateway") {
    std::printf("The test failed; the end of %s's stderr:\n%s\n", name, Tail(err, 30).c_str());
  }
}

// Under ThreadSanitizer the children keep running after a report and exit 0, so that
// StopAndCheck can tell gRPC's own races (see sanitizer_reports.h) from ours.
std::vector<std::string> WithSanitizerOptions(std::vector<std::string> env) {
  if (const char* tsan = std::getenv("TSAN_OPTIONS"); tsan != nullptr) {
    env.push_back(absl::StrCat("TSAN_OPTIONS=", tsan, " halt_on_error=0 exitcode=0"));
  }
  return env;
}

}  // namespace

GatewayEnv::~GatewayEnv() {
  for (auto& replica : replicas_) StopAndCheck("hss-gateway replica", replica);
  StopAndCheck("hss-gateway", gateway_);
  StopAndCheck("hss-sim", sim_);
}

std::string GatewayBinary() { return HSS_GATEWAY_BIN; }
std::string SimBinary() { return HSS_SIM_BIN; }

absl::StatusOr<std::unique_ptr<GatewayEnv>> GatewayEnv::Start(GatewayEnvOptions options) {
  std::unique_ptr<GatewayEnv> env(new GatewayEnv());
  std::string endpoint;
  if (options.endpoint_override) {
    endpoint = *options.endpoint_override;
  } else {
    // The simulator checks the passthrough token the gateway forwards.
    std::vector<std::string> sim_argv = {SimBinary(), "--listen=127.0.0.1:0", "--auth=token"};
    sim_argv.insert(sim_argv.end(), options.sim_args.begin(), options.sim_args.end());
    auto sim = ChildProcess::Start(sim_argv,
                                   WithSanitizerOptions({absl::StrCat("HSS_SIM_TOKEN=", kToken)}));
    if (!sim.ok()) return sim.status();
    env->sim_.emplace(*std::move(sim));
    endpoint = env->sim_url();
  }
  std::vector<std::string> gw_argv = {GatewayBinary(), "--listen=127.0.0.1:0",
                                      absl::StrCat("--endpoint=", endpoint),
                                      absl::StrCat("--project_id=", kProject),
                                      // Drain: no pre-stop unless a test asks for one.
                                      "--drain_prestop=0s"};
  gw_argv.insert(gw_argv.end(), options.gateway_args.begin(), options.gateway_args.end());
  auto gateway = ChildProcess::Start(gw_argv, WithSanitizerOptions(options.gateway_env));
  if (!gateway.ok()) return gateway.status();
  env->gateway_.emplace(*std::move(gateway));
  // Drain: further replicas, the same command line (each on a port of its own).
  env->replicas_.reserve(std::max(0, options.gateway_replicas - 1));
  for (int i = 1; i < options.gateway_replicas; ++i) {
    auto replica = ChildProcess::Start(gw_argv, WithSanitizerOptions(options.gateway_env));
    if (!replica.ok()) return replica.status();
    env->replicas_.emplace_back(*std::move(replica));
  }
  return env;
}

std::string GatewayEnv::gateway_target() const {
  return absl::StrCat("127.0.0.1:", gateway_->port());
}

std::string GatewayEnv::gateway_target(int index) const {
  const ChildProcess& child = index == 0 ? *gateway_ : *replicas_[index - 1];
  return absl::StrCat("127.0.0.1:", child.port());
}

std::unique_ptr<hss::ports::v1::PortService::Stub> GatewayEnv::NewStub(int index) const {
  return hss::ports::v1::PortService::NewStub(
      grpc::CreateChannel(gateway_target(index), grpc::InsecureChannelCredentials()));
}

std::string GatewayEnv::sim_url() const { return absl::StrCat("http://127.0.0.1:", sim_->port()); }

std::unique_ptr<hss::ports::v1::PortService::Stub> GatewayEnv::NewStub() const {
  return hss::ports::v1::PortService::NewStub(
      grpc::CreateChannel(gateway_target(), grpc::InsecureChannelCredentials()));
}

std::unique_ptr<hss::ports::v1::PortService::Stub> GatewayEnv::NewStub(
    const grpc::ChannelArguments& args) const {
  return hss::ports::v1::PortService::NewStub(
      grpc::CreateCustomChannel(gateway_target(), grpc::InsecureChannelCredentials(), args));
}

void GatewayEnv::Prepare(grpc::ClientContext& context, absl::Duration timeout) {
  context.AddMetadata("x-auth-token", kToken);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

absl::StatusOr<std::pair<long, std::string>> GatewayEnv::SimCall(const std::string& method,
                                                                 const std::string& path,
                                                                 const std::string& body) const {
  CURL* curl = curl_easy_init();
  std::string url = sim_url() + path;
  std::string response;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, absl::StrCat("X-Auth-Token: ", kToken).c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(method, " ", url, ": ", curl_easy_strerror(rc)));
  }
  return std::make_pair(status, response);
}

void GatewayEnv::AddFault(const std::string& rule_json) const {
  auto r = SimCall("POST", "/_sim/faults", rule_json);
  if (!r.ok() || r->first != 200) {
    throw std::runtime_error("AddFault failed: " + (r.ok() ? r->second : r.status().ToString()));
  }
}

void GatewayEnv::ClearFaults() const { (void)SimCall("DELETE", "/_sim/faults"); }

void GatewayEnv::ClearSimRequests() const { (void)SimCall("DELETE", "/_sim/requests"); }

std::vector<SimRequest> GatewayEnv::SimRequests() const {
  std::vector<SimRequest> out;
  auto r = SimCall("GET", "/_sim/requests");
  if (!r.ok()) return out;
  rapidjson::Document doc;
  doc.Parse(r->second.c_str());
  if (doc.HasParseError() || !doc.IsArray()) return out;
  for (const auto& item : doc.GetArray()) {
    SimRequest req;
    if (item.HasMember("method") && item["method"].IsString())
      req.method = item["method"].GetString();
    if (item.HasMember("path") && item["path"].IsString()) req.path = item["path"].GetString();
    if (item.HasMember("auth") && item["auth"].IsString()) req.auth = item["auth"].GetString();
    if (item.HasMember("status") && item["status"].IsInt()) req.status = item["status"].GetInt();
    if (item.HasMember("request_id") && item["request_id"].IsString()) {
      req.request_id = item["request_id"].GetString();
    }
    if (item.HasMember("query") && item["query"].IsObject()) {
      for (const auto& m : item["query"].GetObject()) {
        if (m.value.IsString()) req.query[m.name.GetString()] = m.value.GetString();
      }
    }
    if (item.HasMember("headers") && item["headers"].IsObject()) {
      for (const auto& m : item["headers"].GetObject()) {
        if (m.value.IsString())
          req.headers[absl::AsciiStrToLower(m.name.GetString())] = m.value.GetString();
      }
    }
    out.push_back(std::move(req));
  }
  return out;
}

}  // namespace hss::testing
