// hss-sim: the Huawei Cloud HSS simulator (ListPorts API + runtime control API).
// Prints exactly one line to stdout once listening: `hss-sim listening on http://HOST:PORT`.

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/flags_usage.h"
#include "sim/sim_server.h"
#include "sim/sim_service.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "HOST:PORT to listen on ([v6]:PORT; port 0 = any)");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the generated port data and of fault probabilities");
ABSL_FLAG(int, threads, 256,
          "Worker threads = keep-alive connections served at once (thread per connection)");
ABSL_FLAG(int, keep_alive_timeout_s, 30, "Idle seconds before a keep-alive connection closes");
ABSL_FLAG(std::string, auth, "none",
          "HSS API auth: none | token (fixed token) | aksk (AK/SK signature) | iam (tokens the "
          "simulated IAM issued)");
ABSL_FLAG(std::string, token_file, "",
          "File holding the expected X-Auth-Token (auth=token; else env HSS_SIM_TOKEN)");
ABSL_FLAG(std::string, ak, "",
          "Accepted access key (required by auth=aksk; also verifies signed IAM requests); the SK "
          "comes from --sk_file or env HSS_SIM_SK");
ABSL_FLAG(std::string, sk_file, "", "File holding the SK of --ak (else env HSS_SIM_SK)");
ABSL_FLAG(int64_t, max_skew_s, 900, "Accepted |now - X-Sdk-Date| in seconds (AK/SK)");
ABSL_FLAG(absl::Duration, aksk_lockout, absl::Minutes(5),
          "How long an AK stays locked after more than --aksk_lockout_failures consecutive "
          "AK/SK failures (0 = never locked)");
ABSL_FLAG(int64_t, aksk_lockout_failures, 5, "Consecutive AK/SK failures tolerated per AK");
ABSL_FLAG(std::string, iam_users, "",
          "Simulated IAM users USER@DOMAIN[,...]; their password comes from --iam_password_file or "
          "env HSS_SIM_IAM_PASSWORD (one password for all)");
ABSL_FLAG(std::string, iam_password_file, "",
          "File holding the IAM users' password (else env HSS_SIM_IAM_PASSWORD)");
ABSL_FLAG(std::string, iam_projects, "",
          "Projects NAME:ID[,...] known to the simulated IAM (GET /v3/projects, token scopes); "
          "empty = any scope accepted and none listed");
ABSL_FLAG(absl::Duration, iam_token_lifetime, absl::Hours(24), "Lifetime of issued IAM tokens");
ABSL_FLAG(int64_t, iam_latency_ms, 0, "Delay of every simulated IAM answer");
ABSL_FLAG(std::string, hosts, "", "Fixed host sizes: ID:COUNT[:host|container][,...]");
ABSL_FLAG(std::string, churn, "",
          "Hosts whose ports change at a rate: ID:PERCENT:INTERVAL_MS[,...] (PERCENT % of the "
          "ports per interval, at least one)");
ABSL_FLAG(int64_t, default_ports, -1,
          "Port count of other hosts; -1 = deterministic 0..300 from hash(seed, host_id)");
ABSL_FLAG(int64_t, quota_per_window, 0, "Requests per caller identity per window (0 = off)");
ABSL_FLAG(int64_t, quota_window_ms, 60000, "Quota window in milliseconds");
ABSL_FLAG(int64_t, latency_ms, 0, "Delay added to every API answer");
ABSL_FLAG(int64_t, min_limit, 10, "Smallest accepted limit");
ABSL_FLAG(int64_t, max_limit, 200, "Largest accepted limit");
ABSL_FLAG(int64_t, max_offset, 2000000, "Largest accepted offset");
ABSL_FLAG(int64_t, request_log_max, 10000, "Entries kept by /_sim/requests (0 = no log)");
ABSL_FLAG(std::string, faults_json, "", "File with startup fault rules (object or array)");

namespace hss::sim {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "hss-sim: " << message << std::endl;
  std::exit(2);
}

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

// A secret from the file named by `flag_name`'s value `file` (surrounding whitespace stripped),
// else from env `env_name`, else "".
std::string ReadSecret(const std::string& flag_name, const std::string& file,
                       const char* env_name) {
  std::string secret;
  if (!file.empty()) {
    if (!ReadFile(file, secret)) Die(absl::StrCat("cannot read --", flag_name, " ", file));
    return std::string(absl::StripAsciiWhitespace(secret));
  }
  if (const char* env = std::getenv(env_name)) secret = env;
  return secret;
}

void ParseListen(const std::string& spec, ServerOptions& options) {
  std::string host, port;
  if (!spec.empty() && spec[0] == '[') {
    const size_t close = spec.find("]:");
    if (close == std::string::npos) Die("--listen: want [V6ADDR]:PORT");
    host = spec.substr(1, close - 1);
    port = spec.substr(close + 2);
  } else {
    const size_t colon = spec.rfind(':');
    if (colon == std::string::npos) Die("--listen: want HOST:PORT");
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  if (host.empty() || !absl::SimpleAtoi(port, &options.port) || options.port < 0 ||
      options.port > 65535) {
    Die(absl::StrCat("--listen: bad value '", spec, "'"));
  }
  options.host = host;
}

SimConfig ConfigFromFlags() {
  SimConfig config;
  config.seed = absl::GetFlag(FLAGS_seed);

  const std::optional<AuthMode> mode = ParseAuthMode(absl::GetFlag(FLAGS_auth));
  if (!mode) Die("--auth must be none, token, aksk or iam");
  config.auth.mode = *mode;
  config.auth.max_skew_s = absl::GetFlag(FLAGS_max_skew_s);
  if (*mode == AuthMode::kToken) {
    const std::string file = absl::GetFlag(FLAGS_token_file);
    if (!file.empty()) {
      if (!ReadFile(file, config.auth.token)) Die(absl::StrCat("cannot read --token_file ", file));
      config.auth.token = std::string(absl::StripAsciiWhitespace(config.auth.token));
    } else if (const char* env = std::getenv("HSS_SIM_TOKEN")) {
      config.auth.token = env;
    }
    if (config.auth.token.empty()) Die("auth=token needs --token_file or env HSS_SIM_TOKEN");
  }
  config.auth.access_key = absl::GetFlag(FLAGS_ak);
  if (!config.auth.access_key.empty()) {
    config.auth.secret_key = ReadSecret("sk_file", absl::GetFlag(FLAGS_sk_file), "HSS_SIM_SK");
    if (config.auth.secret_key.empty()) Die("--ak needs its SK in --sk_file or env HSS_SIM_SK");
  } else if (*mode == AuthMode::kAksk) {
    Die("auth=aksk needs --ak and its SK (--sk_file or env HSS_SIM_SK)");
  }
  config.aksk_lockout.lock_ms = absl::ToInt64Milliseconds(absl::GetFlag(FLAGS_aksk_lockout));
  config.aksk_lockout.max_failures = absl::GetFlag(FLAGS_aksk_lockout_failures);
  if (config.aksk_lockout.lock_ms < 0 || config.aksk_lockout.max_failures < 0) {
    Die("--aksk_lockout and --aksk_lockout_failures must not be negative");
  }

  absl::StatusOr<std::vector<IamUser>> users = ParseIamUsers(absl::GetFlag(FLAGS_iam_users));
  if (!users.ok()) Die(absl::StrCat("--iam_users: ", users.status().message()));
  config.iam.users = *std::move(users);
  absl::StatusOr<std::vector<IamProject>> projects =
      ParseIamProjects(absl::GetFlag(FLAGS_iam_projects));
  if (!projects.ok()) Die(absl::StrCat("--iam_projects: ", projects.status().message()));
  config.iam.projects = *std::move(projects);
  if (!config.iam.users.empty()) {
    config.iam.password = ReadSecret("iam_password_file", absl::GetFlag(FLAGS_iam_password_file),
                                     "HSS_SIM_IAM_PASSWORD");
    if (config.iam.password.empty()) {
      Die("--iam_users needs the password in --iam_password_file or env HSS_SIM_IAM_PASSWORD");
    }
  } else if (*mode == AuthMode::kIam) {
    Die("auth=iam needs --iam_users (and their password) to issue tokens");
  }
  config.iam.token_lifetime_ms = absl::ToInt64Milliseconds(absl::GetFlag(FLAGS_iam_token_lifetime));
  if (config.iam.token_lifetime_ms <= 0) Die("--iam_token_lifetime must be positive");
  config.iam.latency_ms = std::max<int64_t>(0, absl::GetFlag(FLAGS_iam_latency_ms));

  absl::StatusOr<std::vector<HostSize>> hosts = ParseHostSizes(absl::GetFlag(FLAGS_hosts));
  if (!hosts.ok()) Die(absl::StrCat("--hosts: ", hosts.status().message()));
  config.hosts = *std::move(hosts);
  absl::StatusOr<std::vector<HostChurn>> churn = ParseHostChurn(absl::GetFlag(FLAGS_churn));
  if (!churn.ok()) Die(absl::StrCat("--churn: ", churn.status().message()));
  config.churn = *std::move(churn);
  if (const int64_t n = absl::GetFlag(FLAGS_default_ports); n >= 0) config.default_ports = n;

  config.limits.min_limit = absl::GetFlag(FLAGS_min_limit);
  config.limits.max_limit = absl::GetFlag(FLAGS_max_limit);
  config.limits.max_offset = absl::GetFlag(FLAGS_max_offset);
  if (config.limits.min_limit < 0 || config.limits.max_limit < config.limits.min_limit ||
      config.limits.max_offset < 0) {
    Die("need 0 <= --min_limit <= --max_limit and --max_offset >= 0");
  }
  config.quota.per_window = absl::GetFlag(FLAGS_quota_per_window);
  config.quota.window_ms = absl::GetFlag(FLAGS_quota_window_ms);
  config.latency_ms = std::max<int64_t>(0, absl::GetFlag(FLAGS_latency_ms));
  config.request_log_max =
      static_cast<size_t>(std::max<int64_t>(0, absl::GetFlag(FLAGS_request_log_max)));

  if (const std::string file = absl::GetFlag(FLAGS_faults_json); !file.empty()) {
    std::string json;
    if (!ReadFile(file, json)) Die(absl::StrCat("cannot read --faults_json ", file));
    absl::StatusOr<std::vector<FaultRule>> rules = ParseFaultRules(json);
    if (!rules.ok()) Die(absl::StrCat("--faults_json ", file, ": ", rules.status().message()));
    config.faults = *std::move(rules);
  }
  return config;
}

int Run(int argc, char** argv) {
  absl::SetProgramUsageMessage("HSS ListPorts simulator. See sim/control_handler.h for /_sim/.");
  hss::ConfigureFlagsUsage("hss-sim", "sim/");
  absl::ParseCommandLine(argc, argv);

  ServerOptions options;
  ParseListen(absl::GetFlag(FLAGS_listen), options);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.keep_alive_timeout_s = absl::GetFlag(FLAGS_keep_alive_timeout_s);
  SimService service(ConfigFromFlags());

  // Signals go to a dedicated thread; block them before any other thread exists.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SimServer server(&service, options);
  const absl::StatusOr<int> port = server.Bind();
  if (!port.ok()) Die(std::string(port.status().message()));

  std::atomic<bool> signalled{false};
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    signalled = true;
    server.Stop();
  });

  std::printf("hss-sim listening on %s\n", server.base_url().c_str());
  std::fflush(stdout);
  const bool ok = server.Serve();
  if (!signalled) kill(getpid(), SIGTERM);  // Wake the signal thread.
  signal_thread.join();
  return ok || signalled ? 0 : 1;
}

}  // namespace
}  // namespace hss::sim

int main(int argc, char** argv) { return hss::sim::Run(argc, argv); }
