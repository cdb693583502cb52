// CurlTransport against a real HTTP server on loopback (cpp-httplib).
#include "server/http/curl_transport.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

// cpp-httplib listens with a backlog of 5, which drops connection bursts; this
// exposes the socket so the test can raise it.
class TestServer : public httplib::Server {
 public:
  void RaiseBacklog() { ::listen(static_cast<int>(svr_sock_), 1024); }
};

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/ok", [this](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      {
        std::lock_guard<std::mutex> lock(mu_);
        remote_ports_.insert(req.remote_port);
        last_token_ = req.get_header_value("X-Auth-Token");
      }
      res.set_header("X-Request-Id", "rid-1");
      res.set_content("{\"total_num\":0}", "application/json");
    });
    // Holds its answer until the test releases it (or a minute passes, so that
    // a failing test cannot hang): what ends a transfer to it is the
    // transport's timeout, a cancellation or a shutdown, never the answer.
    server_.Get("/hold", [this](const httplib::Request&, httplib::Response& res) {
      {
        absl::MutexLock lock(&hold_mu_);
        if (!held_.HasBeenNotified()) held_.Notify();
      }
      release_.WaitForNotificationWithTimeout(absl::Minutes(1));
      res.set_content("late", "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      // Chunked: no Content-Length, so only the write callback can enforce the cap.
      res.set_chunked_content_provider("application/json",
                                       [](size_t offset, httplib::DataSink& sink) {
                                         std::string chunk(64 * 1024, 'x');
                                         sink.write(chunk.data(), chunk.size());
                                         if (offset > 4 * 1024 * 1024) sink.done();
                                         return true;
                                       });
    });
    server_.Get("/status/503", [](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_header("Retry-After", "3");
      res.set_content("{\"error_code\":\"X\",\"error_msg\":\"busy\"}", "application/json");
    });
    // One thread per keep-alive connection, as the transport may open up to 64.
    server_.new_task_queue = [] { return new httplib::ThreadPool(96); };
    server_.set_keep_alive_max_count(100000);
    server_.set_tcp_nodelay(true);
    port_ = server_.bind_to_any_port("127.0.0.1");
    server_.RaiseBacklog();
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    CurlTransportOptions options;
    options.max_response_bytes = 1024 * 1024;
    transport_ = *CurlTransport::Create(options);
  }

  void TearDown() override {
    transport_.reset();
    release_.Notify();
    server_.stop();
    thread_.join();
  }

  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  absl::StatusOr<HttpResponse> Get(const std::string& path,
                                   absl::Duration timeout = absl::Seconds(5),
                                   bool caller_deadline = false) {
    HttpRequest request;
    request.url = Url(path);
    request.timeout = timeout;
    request.timeout_is_caller_deadline = caller_deadline;
    request.headers.emplace_back("X-Auth-Token", "secret-token");
    auto done = std::make_shared<absl::Notification>();
    auto out = std::make_shared<absl::StatusOr<HttpResponse>>();
    transport_->Start(std::move(request), [this, done, out](absl::StatusOr<HttpResponse> r) {
      *out = std::move(r);
      // What the server had done when the outcome arrived.
      server_had_request_ = held_.HasBeenNotified();
      server_had_answered_ = release_.HasBeenNotified();
      done->Notify();
    });
    if (!done->WaitForNotificationWithTimeout(kNoAnswer)) {
      return absl::InternalError("the transport never completed the request");
    }
    return *out;
  }

  // Descriptors this process has open (the transport's and the server's).
  static int OpenFds() {
    int n = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/fd")) {
      ++n;
    }
    return n;
  }

  // Bound of every wait: long enough never to be reached by a working
  // transport, even under sanitizers on a loaded machine.
  static constexpr absl::Duration kNoAnswer = absl::Seconds(60);

  TestServer server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<CurlTransport> transport_;
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::set<int> remote_ports_;
  std::string last_token_;
  absl::Mutex hold_mu_;
  // The server received a request to /hold.
  absl::Notification held_;
  // /hold may answer.
  absl::Notification release_;
  std::atomic<bool> server_had_request_{false};
  std::atomic<bool> server_had_answered_{false};
};

TEST_F(CurlTransportTest, ReturnsStatusHeadersAndBody) {
  auto r = Get("/ok");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"total_num\":0}");
  EXPECT_EQ(r->Header("x-request-id"), "rid-1");
  EXPECT_EQ(last_token_, "secret-token");
}

TEST_F(CurlTransportTest, NonSuccessStatusIsAResponseNotAnError) {
  auto r = Get("/status/503");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->Header("Retry-After"), "3");
}

TEST_F(CurlTransportTest, ReusesKeepAliveConnections) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Get("/ok").ok());
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(remote_ports_.size(), 1u);
}

TEST_F(CurlTransportTest, ClosesKeptAliveConnectionsOnceIdle) {
  CurlTransportOptions options;
  options.idle_connection_timeout = absl::Milliseconds(200);
  transport_ = *CurlTransport::Create(options);
  const int fds_before = OpenFds();
  ASSERT_TRUE(Get("/ok").ok());
  ASSERT_TRUE(Get("/ok").ok());  // Within the timeout: the same connection.
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_EQ(remote_ports_.size(), 1u);
  }
  // The connection's socket (and the server's side of it) closes once idle.
  const absl::Time give_up = absl::Now() + kNoAnswer;
  while (OpenFds() > fds_before && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(OpenFds(), fds_before);
  ASSERT_TRUE(Get("/ok").ok());  // And the next request opens a new one.
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(remote_ports_.size(), 2u);
}

TEST_F(CurlTransportTest, ManyConcurrentRequestsAllComplete) {
  constexpr int kRequests = 300;
  std::atomic<int> ok{0};
  std::atomic<int> left{kRequests};
  absl::Notification done;
  for (int i = 0; i < kRequests; ++i) {
    HttpRequest request;
    request.url = Url("/ok");
    transport_->Start(std::move(request), [&](absl::StatusOr<HttpResponse> r) {
      if (r.ok() && r->status == 200) ++ok;
      if (--left == 0) done.Notify();
    });
  }
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_EQ(transport_->in_flight(), 0u);
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_LE(remote_ports_.size(), 64u);
}

// The timeouts below are long enough for a loopback request to reach the
// server; the server never answers before the test ends, so only the timeout
// can end the transfer.
TEST_F(CurlTransportTest, CallerDeadlineTimeoutIsDeadlineExceeded) {
  auto r = Get("/hold", absl::Seconds(1), /*caller_deadline=*/true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded) << r.status();
  EXPECT_TRUE(server_had_request_);
  EXPECT_FALSE(server_had_answered_);
}

TEST_F(CurlTransportTest, PerAttemptTimeoutIsUnavailable) {
  auto r = Get("/hold", absl::Seconds(1), /*caller_deadline=*/false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_EQ(GetErrorInfo(r.status())->reason(), "UPSTREAM_TIMEOUT");
  EXPECT_TRUE(server_had_request_);
  EXPECT_FALSE(server_had_answered_);
}

TEST_F(CurlTransportTest, ChunkedBodyOverTheCapIsResourceExhausted) {
  auto r = Get("/big");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(GetErrorInfo(r.status())->reason(), "UPSTREAM_RESPONSE_TOO_LARGE");
}

TEST_F(CurlTransportTest, CancelAbortsATransferTheServerHolds) {
  HttpRequest request;
  request.url = Url("/hold");
  request.timeout = absl::Hours(1);  // Only the cancellation can end it.
  absl::Notification done;
  absl::StatusOr<HttpResponse> out;
  bool answered = false;
  HttpRequestId id = transport_->Start(std::move(request), [&](absl::StatusOr<HttpResponse> r) {
    out = std::move(r);
    answered = release_.HasBeenNotified();
    done.Notify();
  });
  ASSERT_TRUE(held_.WaitForNotificationWithTimeout(kNoAnswer));
  transport_->Cancel(id);
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kNoAnswer));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled);
  EXPECT_FALSE(answered);
}

TEST_F(CurlTransportTest, RefusedConnectionIsUnavailable) {
  HttpRequest request;
  request.url = "http://127.0.0.1:1/x";
  absl::Notification done;
  absl::StatusOr<HttpResponse> out;
  transport_->Start(std::move(request), [&](absl::StatusOr<HttpResponse> r) {
    out = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_EQ(out.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(GetErrorInfo(out.status())->reason(), "UPSTREAM_UNREACHABLE");
  EXPECT_NE(out.status().message().find("http://127.0.0.1:1"), std::string::npos);
}

TEST_F(CurlTransportTest, ErrorsNeverShowTheUrlsUserinfo) {
  HttpRequest request;
  request.url = "http://user:secret@127.0.0.1:1/x";
  absl::Notification done;
  absl::StatusOr<HttpResponse> out;
  transport_->Start(std::move(request), [&](absl::StatusOr<HttpResponse> r) {
    out = std::move(r);
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(kNoAnswer));
  ASSERT_FALSE(out.ok());
  const std::string message(out.status().message());
  EXPECT_NE(message.find("127.0.0.1:1"), std::string::npos) << message;
  EXPECT_EQ(message.find("secret"), std::string::npos) << message;
  EXPECT_EQ(message.find("user:"), std::string::npos) << message;
}

TEST_F(CurlTransportTest, DestructionFailsWhatIsStillInFlight) {
  HttpRequest request;
  request.url = Url("/hold");
  request.timeout = absl::Hours(1);
  absl::Notification done;
  absl::StatusOr<HttpResponse> out;
  transport_->Start(std::move(request), [&](absl::StatusOr<HttpResponse> r) {
    out = std::move(r);
    done.Notify();
  });
  ASSERT_TRUE(held_.WaitForNotificationWithTimeout(kNoAnswer));
  transport_.reset();
  ASSERT_TRUE(done.HasBeenNotified());
  EXPECT_FALSE(out.ok());
}

TEST_F(CurlTransportTest, ShutdownFailsInFlightAndLaterTransfersWhileTheOwnerKeepsIt) {
  HttpRequest request;
  request.url = Url("/hold");
  request.timeout = absl::Hours(1);
  absl::Notification done;
  absl::StatusOr<HttpResponse> out;
  transport_->Start(std::move(request), [&](absl::StatusOr<HttpResponse> r) {
    out = std::move(r);
    done.Notify();
  });
  ASSERT_TRUE(held_.WaitForNotificationWithTimeout(kNoAnswer));
  transport_->Shutdown();
  ASSERT_TRUE(done.HasBeenNotified());
  EXPECT_FALSE(out.ok());

  HttpRequest later;
  later.url = Url("/ok");
  absl::StatusOr<HttpResponse> refused;
  transport_->Start(std::move(later), [&](absl::StatusOr<HttpResponse> r) { refused = r; });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable);
  transport_->Shutdown();  // idempotent; the destructor calls it again
}

TEST_F(CurlTransportTest, CallbackOfARefusedStartMayStartAgain) {
  // A caller that retries inline (PageWalk does) calls Start() from the done
  // callback of a Start() that the stopped transport refused.
  transport_->Shutdown();
  auto inner_done = std::make_shared<absl::Notification>();
  auto outer_code = std::make_shared<absl::StatusCode>(absl::StatusCode::kOk);
  auto inner_code = std::make_shared<absl::StatusCode>(absl::StatusCode::kOk);
  CurlTransport* transport = transport_.get();
  std::thread caller([=, this] {
    HttpRequest request;
    request.url = Url("/ok");
    transport->Start(std::move(request), [=, this](absl::StatusOr<HttpResponse> r) {
      *outer_code = r.status().code();
      HttpRequest again;
      again.url = Url("/ok");
      transport->Start(std::move(again), [=](absl::StatusOr<HttpResponse> r2) {
        *inner_code = r2.status().code();
        inner_done->Notify();
      });
    });
  });
  if (!inner_done->WaitForNotificationWithTimeout(kNoAnswer)) {
    // The caller is stuck holding the transport's lock: leave both behind
    // rather than hang the test binary.
    caller.detach();
    (void)transport_.release();
    FAIL() << "Start() from a refused Start()'s callback deadlocked";
  }
  caller.join();
  EXPECT_EQ(*outer_code, absl::StatusCode::kUnavailable);
  EXPECT_EQ(*inner_code, absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hss::gateway
