#ifndef HSS_SERVER_HTTP_CURL_TRANSPORT_H_
#define HSS_SERVER_HTTP_CURL_TRANSPORT_H_

#include <curl/curl.h>

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/http/http_transport.h"

namespace hss::gateway {

// Settings of the libcurl transport, fixed at start-up.
struct CurlTransportOptions {
  // Bodies larger than this fail with RESOURCE_EXHAUSTED (counted as received,
  // since curl 7.88 does not enforce CURLOPT_MAXFILESIZE on chunked bodies).
  std::size_t max_response_bytes = 8 * 1024 * 1024;
  // Upper bound on TCP+TLS connection set-up for one attempt.
  absl::Duration connect_timeout = absl::Seconds(10);
  // Open connections per upstream host; further transfers queue inside curl.
  long max_host_connections = 64;
  // Once no transfer has run for this long, every kept-alive connection is
  // closed (libcurl alone closes an aged connection only when a later transfer
  // starts, so an idle gateway would hold them for ever). Also the longest a
  // connection may sit idle and still be reused.
  absl::Duration idle_connection_timeout = absl::Seconds(60);
  // PEM bundle of trusted CAs; empty means the system default.
  std::string ca_file;
  // Disables TLS peer and host verification. Dangerous; for test endpoints only.
  bool insecure_skip_tls_verify = false;
  // Proxy URL (e.g. "http://proxy:3128"); empty means none (and ignores env).
  std::string proxy;
  // User-Agent header value.
  std::string user_agent = "hss-gateway/0.1";
};

// HttpTransport on libcurl's multi interface, driven by one event-loop thread
// (curl_multi_poll, woken through an eventfd). Easy handles are pooled and
// connections are kept alive and reused until the transport has been idle for
// idle_connection_timeout. Callbacks run on the loop thread.
class CurlTransport final : public HttpTransport {
 public:
  // Starts the event loop. Fails if libcurl cannot be initialised.
  static absl::StatusOr<std::unique_ptr<CurlTransport>> Create(CurlTransportOptions options);

  // Calls Shutdown().
  ~CurlTransport() override;

  // Stops the loop and waits for it: transfers still in flight complete with
  // UNAVAILABLE, and so do later Start() calls. Idempotent. Call it from another
  // thread than the loop (a callback cannot stop its own thread): the process
  // does at shutdown, so that the last reference to the transport is never
  // dropped on the loop thread.
  void Shutdown();

  // See HttpTransport::Start(). `done` runs on the loop thread, or, once the
  // transport is stopping, inside Start() with no lock held (so it may call
  // Start() again) and Start() returns 0.
  HttpRequestId Start(HttpRequest request, HttpCallback done) override;
  // See HttpTransport::Cancel().
  void Cancel(HttpRequestId id) override;

  // Number of transfers started and not yet completed (for metrics and tests).
  std::size_t in_flight() const;

 private:
  struct Transfer;

  CurlTransport(CurlTransportOptions options, CURLM* multi, int wakeup_fd);
  // A multi handle with the options' connection limits, or null.
  static CURLM* NewMulti(const CurlTransportOptions& options);
  // Wakes the loop from any thread.
  void Wake();
  void Loop();
  // Closes every idle connection: replaces the multi handle (no transfer runs).
  void CloseIdleConnections();
  void AddPending(std::deque<std::unique_ptr<Transfer>>& pending);
  void CancelRequested(std::vector<HttpRequestId>& ids);
  void DrainCompleted();
  void Complete(std::unique_ptr<Transfer> transfer, CURLcode code);
  void ConfigureHandle(Transfer& transfer);
  CURL* AcquireHandle();
  void ReleaseHandle(CURL* handle);

  const CurlTransportOptions options_;
  // The loop's wakeup (an eventfd), written by Start(), Cancel() and Shutdown().
  const int wakeup_fd_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  HttpRequestId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::deque<std::unique_ptr<Transfer>> pending_ ABSL_GUARDED_BY(mu_);
  std::vector<HttpRequestId> cancel_requests_ ABSL_GUARDED_BY(mu_);
  std::size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;

  // Owned by the loop thread only (and by the destructor once it has stopped).
  CURLM* multi_;
  // A transfer ran since the connections were last closed.
  bool connections_may_be_open_ = false;
  absl::flat_hash_map<HttpRequestId, std::unique_ptr<Transfer>> active_;
  std::vector<CURL*> idle_handles_;

  std::thread loop_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_HTTP_CURL_TRANSPORT_H_
