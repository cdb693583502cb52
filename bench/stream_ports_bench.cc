// StreamPorts throughput and memory, against the simulator, in one run:
//   1. ports/s of one StreamPorts walk (C++ consumer) for hosts of 100,000 and 1,000,000 ports;
//   2. the same walk as a sequential direct page loop (libcurl keep-alive, offset += limit,
//      each page parsed with RapidJSON);
//   3. the same walk with the official Huawei Cloud Node.js SDK core (bench/node/sdk_walk.js,
//      AK/SK signed; skipped when bench/node/node_modules is missing: run `npm ci` there);
//   4. the gateway's peak RSS during the 1,000,000-port walk and with 1,000 concurrent streams.
//
//   stream_ports_bench [--streams=1000] [--stream_host_ports=2000] [--skip_node] [--repeat=3]
//                      [--sim_latency_ms=0] [--walk_hosts=h100k,h1m]
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "rapidjson/document.h"
#include "tests/e2e/gateway_env.h"

ABSL_FLAG(int, streams, 1000, "concurrent streams in the memory phase");
ABSL_FLAG(int, stream_host_ports, 2000, "ports per host in the concurrent-streams phase");
ABSL_FLAG(bool, skip_node, false, "skip the Node.js SDK loop");
ABSL_FLAG(std::vector<std::string>, gateway_flags, {},
          "extra hss-gateway flags, comma-separated, e.g. --decode_threads=0");
ABSL_FLAG(int, repeat, 3, "runs of each walk; the median run is reported (the machine is shared)");
ABSL_FLAG(int, sim_latency_ms, 0,
          "latency the simulator adds to every answer (a real upstream's RTT)");
ABSL_FLAG(std::vector<std::string>, walk_hosts, std::vector<std::string>({"h100k", "h1m"}),
          "hosts to walk: h100k (100,000 ports) and/or h1m (1,000,000 ports)");
ABSL_FLAG(std::string, node_dir, HSS_BENCH_NODE_DIR, "folder of sdk_walk.js and node_modules");

namespace hss::bench {
namespace {

using hss::ports::v1::StreamPortsRequest;
using hss::ports::v1::StreamPortsResponse;

constexpr int kPageSize = 200;

// Samples a process's RSS every 10 ms while alive; reports the maximum.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid) : pid_(pid), thread_([this] { Run(); }) {}
  ~RssSampler() { Stop(); }
  long StopAndPeakKib() {
    Stop();
    return peak_kib_;
  }

 private:
  void Run() {
    while (!done_.HasBeenNotified()) {
      peak_kib_ = std::max(peak_kib_.load(), RssKib(pid_));
      done_.WaitForNotificationWithTimeout(absl::Milliseconds(10));
    }
  }
  void Stop() {
    if (!done_.HasBeenNotified()) done_.Notify();
    if (thread_.joinable()) thread_.join();
  }
  pid_t pid_;
  std::atomic<long> peak_kib_{0};
  absl::Notification done_;
  std::thread thread_;
};

struct Walk {
  long long ports = 0;
  double seconds = 0;
  double ports_per_second() const { return seconds > 0 ? static_cast<double>(ports) / seconds : 0; }
};

// The run with the median ports/s.
Walk Median(std::vector<Walk> walks) {
  std::sort(walks.begin(), walks.end(), [](const Walk& a, const Walk& b) {
    return a.ports_per_second() < b.ports_per_second();
  });
  return walks[walks.size() / 2];
}

Walk StreamWalk(testing::GatewayEnv& env, const std::string& host) {
  auto stub = env.NewStub();
  grpc::ClientContext context;
  testing::GatewayEnv::Prepare(context, absl::Minutes(10));
  StreamPortsRequest request;
  request.set_host_id(host);
  request.set_page_size(kPageSize);
  const absl::Time start = absl::Now();
  auto reader = stub->StreamPorts(&context, request);
  StreamPortsResponse message;
  Walk walk;
  while (reader->Read(&message)) walk.ports += message.ports_size();
  grpc::Status status = reader->Finish();
  walk.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  if (!status.ok()) std::fprintf(stderr, "stream failed: %s\n", status.error_message().c_str());
  return walk;
}

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

Walk DirectLoop(const std::string& sim_url, const std::string& host) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(
      nullptr, absl::StrCat("X-Auth-Token: ", testing::GatewayEnv::kToken).c_str());
  std::string body;
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  Walk walk;
  const absl::Time start = absl::Now();
  for (long long offset = 0;;) {
    const std::string url =
        absl::StrCat(sim_url, "/v5/", testing::GatewayEnv::kProject, "/asset/ports?host_id=", host,
                     "&limit=", kPageSize, "&offset=", offset);
    body.clear();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    if (curl_easy_perform(curl) != CURLE_OK) break;
    rapidjson::Document doc;
    doc.ParseInsitu(body.data());
    if (doc.HasParseError() || !doc.IsObject() || !doc["data_list"].IsArray()) break;
    const auto n = static_cast<long long>(doc["data_list"].Size());
    walk.ports += n;
    offset += n;
    if (n < kPageSize || offset >= doc["total_num"].GetInt64()) break;
  }
  walk.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return walk;
}

// Runs the Node.js SDK walk against an AK/SK-verifying simulator.
std::optional<Walk> NodeSdkLoop(const std::string& host, const std::string& hosts_flag) {
  const std::string node_dir = absl::GetFlag(FLAGS_node_dir);
  if (absl::GetFlag(FLAGS_skip_node) ||
      access(absl::StrCat(node_dir, "/node_modules/@huaweicloud").c_str(), F_OK) != 0) {
    return std::nullopt;
  }
  auto sim = testing::ChildProcess::Start(
      {testing::SimBinary(), "--listen=127.0.0.1:0", "--auth=aksk", "--ak=BENCHAK0000000000",
       hosts_flag, absl::StrCat("--latency_ms=", absl::GetFlag(FLAGS_sim_latency_ms))},
      {"HSS_SIM_SK=bench-secret-key-not-real"});
  if (!sim.ok()) return std::nullopt;
  const std::string command = absl::StrCat(
      "cd ", node_dir, " && HOME=$(mktemp -d) HUAWEICLOUD_SDK_AK=BENCHAK0000000000 ",
      "HUAWEICLOUD_SDK_SK=bench-secret-key-not-real node sdk_walk.js http://127.0.0.1:",
      sim->port(), " ", testing::GatewayEnv::kProject, " ", host, " ", kPageSize);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  char line[512] = {};
  const bool got = fgets(line, sizeof(line), pipe) != nullptr;
  pclose(pipe);
  rapidjson::Document doc;
  doc.Parse(line);
  if (!got || doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  Walk walk;
  walk.ports = doc["ports"].GetInt64();
  walk.seconds = doc["seconds"].GetDouble();
  return walk;
}

// One StreamPorts call read as fast as it arrives, on gRPC's callback API.
class CountingReader : public grpc::ClientReadReactor<StreamPortsResponse> {
 public:
  CountingReader(hss::ports::v1::PortService::Stub* stub, const std::string& host,
                 std::atomic<long long>* ports, std::atomic<int>* left, absl::Notification* done)
      : ports_(ports), left_(left), done_(done) {
    testing::GatewayEnv::Prepare(context_, absl::Minutes(10));
    request_.set_host_id(host);
    request_.set_page_size(kPageSize);
    stub->async()->StreamPorts(&context_, &request_, this);
    StartRead(&message_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    *ports_ += message_.ports_size();
    StartRead(&message_);
  }
  void OnDone(const grpc::Status& s) override {
    ok_ = s.ok();
    if (--*left_ == 0) done_->Notify();
  }
  bool ok() const { return ok_; }

 private:
  grpc::ClientContext context_;
  StreamPortsRequest request_;
  StreamPortsResponse message_;
  std::atomic<long long>* ports_;
  std::atomic<int>* left_;
  absl::Notification* done_;
  bool ok_ = false;
};

std::vector<std::string> GatewayArgs() {
  std::vector<std::string> args = {"--log_calls=false"};
  for (const std::string& flag : absl::GetFlag(FLAGS_gateway_flags)) args.push_back(flag);
  return args;
}

int Main() {
  const std::string hosts = "--hosts=h100k:100000,h1m:1000000";
  const int streams = absl::GetFlag(FLAGS_streams);
  auto env = testing::GatewayEnv::Start(
      {.sim_args = {hosts, absl::StrCat("--default_ports=", absl::GetFlag(FLAGS_stream_host_ports)),
                    "--threads=512",
                    absl::StrCat("--latency_ms=", absl::GetFlag(FLAGS_sim_latency_ms))},
       .gateway_args = GatewayArgs()});
  if (!env.ok()) {
    std::fprintf(stderr, "%s\n", env.status().ToString().c_str());
    return 1;
  }
  testing::GatewayEnv& e = **env;
  const pid_t gateway = e.gateway().pid();
  std::printf("StreamPorts, page_size %d, upstream latency %d ms, %ld cores, median of %d runs\n",
              kPageSize, absl::GetFlag(FLAGS_sim_latency_ms), sysconf(_SC_NPROCESSORS_ONLN),
              std::max(1, absl::GetFlag(FLAGS_repeat)));
  std::printf("%-10s %-40s %12s %10s %12s\n", "host", "path", "ports", "seconds", "ports/s");
  (void)StreamWalk(e, "c-warm-up");
  const int repeat = std::max(1, absl::GetFlag(FLAGS_repeat));
  for (const std::string& host : absl::GetFlag(FLAGS_walk_hosts)) {
    // The paths take turns, so that a slow spell of the machine hits all of them.
    std::vector<Walk> stream_runs, direct_runs, node_runs;
    RssSampler rss(gateway);
    for (int i = 0; i < repeat; ++i) {
      stream_runs.push_back(StreamWalk(e, host));
      direct_runs.push_back(DirectLoop(e.sim_url(), host));
      if (auto node_walk = NodeSdkLoop(host, hosts)) node_runs.push_back(*node_walk);
    }
    const long peak = rss.StopAndPeakKib();
    const Walk stream = Median(stream_runs);
    const Walk direct = Median(direct_runs);
    const std::optional<Walk> node =
        node_runs.empty() ? std::nullopt : std::optional<Walk>(Median(node_runs));
    auto row = [&](const char* path, const Walk& w) {
      std::printf("%-10s %-40s %12lld %10.2f %12.0f\n", host.c_str(), path, w.ports, w.seconds,
                  w.ports_per_second());
    };
    row("StreamPorts via hss-gateway", stream);
    row("sequential direct loop (libcurl)", direct);
    if (node) row("Node.js SDK core loop (AK/SK)", *node);
    std::printf("%-10s StreamPorts / direct = %.2fx", host.c_str(),
                stream.ports_per_second() / direct.ports_per_second());
    if (node)
      std::printf(", StreamPorts / Node.js SDK = %.2fx",
                  stream.ports_per_second() / node->ports_per_second());
    std::printf("; gateway peak RSS during the walk %.1f MiB\n", static_cast<double>(peak) / 1024);
  }

  if (streams == 0) return 0;
  // Many concurrent streams: memory stays bounded per stream.
  auto stub = e.NewStub();
  std::atomic<long long> ports{0};
  std::atomic<int> left{streams};
  absl::Notification done;
  RssSampler rss(gateway);
  const absl::Time start = absl::Now();
  std::vector<std::unique_ptr<CountingReader>> readers;
  for (int i = 0; i < streams; ++i) {
    readers.push_back(
        std::make_unique<CountingReader>(stub.get(), absl::StrCat("c-", i), &ports, &left, &done));
  }
  done.WaitForNotificationWithTimeout(absl::Minutes(5));
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const long peak = rss.StopAndPeakKib();
  int ok = 0;
  for (const auto& r : readers) ok += r->ok();
  std::printf(
      "%d concurrent streams x %d ports: %d ok, %lld ports in %.2f s (%.0f ports/s); "
      "gateway peak RSS %.1f MiB\n",
      streams, absl::GetFlag(FLAGS_stream_host_ports), ok, ports.load(), seconds,
      static_cast<double>(ports.load()) / seconds, static_cast<double>(peak) / 1024);
  return ok == streams ? 0 : 1;
}

}  // namespace
}  // namespace hss::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  return hss::bench::Main();
}
