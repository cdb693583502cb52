#include "server/http/curl_transport.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http/curl_status.h"
#include "server/http/url_redaction.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

// Keeps at most this many idle easy handles for reuse.
constexpr std::size_t kMaxIdleHandles = 256;

}  // namespace

struct CurlTransport::Transfer {
  HttpRequestId id = 0;
  HttpRequest request;
  HttpCallback done;
  CURL* handle = nullptr;
  curl_slist* header_list = nullptr;
  HttpResponse response;
  bool body_too_large = false;
  bool cancelled = false;
  std::size_t max_response_bytes = 0;
  char error[CURL_ERROR_SIZE] = {};

  ~Transfer() {
    if (header_list != nullptr) curl_slist_free_all(header_list);
  }

  static size_t OnBody(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const size_t n = size * count;
    if (t->response.body.size() + n > t->max_response_bytes) {
      t->body_too_large = true;
      return CURL_WRITEFUNC_ERROR;
    }
    if (t->response.body.empty()) {
      // One allocation for the whole body when the upstream announced its size.
      curl_off_t announced = -1;
      if (curl_easy_getinfo(t->handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) ==
              CURLE_OK &&
          announced > 0) {
        t->response.body.reserve(
            std::min(static_cast<std::size_t>(announced), t->max_response_bytes));
      }
    }
    t->response.body.append(data, n);
    return n;
  }

  static size_t OnHeader(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    const size_t n = size * count;
    absl::string_view line(data, n);
    if (absl::StartsWith(line, "HTTP/")) {
      // A new response starts (after 100-continue or a proxy CONNECT): forget earlier headers.
      t->response.headers.clear();
      return n;
    }
    auto colon = line.find(':');
    if (colon == absl::string_view::npos) return n;
    t->response.headers.emplace_back(
        std::string(absl::StripAsciiWhitespace(line.substr(0, colon))),
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
    return n;
  }
};

absl::StatusOr<std::unique_ptr<CurlTransport>> CurlTransport::Create(CurlTransportOptions options) {
  static const CURLcode global_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global_init != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("curl_global_init failed: ", curl_easy_strerror(global_init)));
  }
  CURLM* multi = NewMulti(options);
  if (multi == nullptr) return absl::InternalError("curl_multi_init failed");
  const int wakeup_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup_fd < 0) {
    curl_multi_cleanup(multi);
    return absl::InternalError("eventfd failed");
  }
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(options), multi, wakeup_fd));
}

CURLM* CurlTransport::NewMulti(const CurlTransportOptions& options) {
  CURLM* multi = curl_multi_init();
  if (multi == nullptr) return nullptr;
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.max_host_connections);
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, options.max_host_connections * 2);
  return multi;
}

CurlTransport::CurlTransport(CurlTransportOptions options, CURLM* multi, int wakeup_fd)
    : options_(std::move(options)),
      wakeup_fd_(wakeup_fd),
      multi_(multi),
      loop_([this] { Loop(); }) {}

CurlTransport::~CurlTransport() {
  Shutdown();
  for (CURL* handle : idle_handles_) curl_easy_cleanup(handle);
  curl_multi_cleanup(multi_);
  close(wakeup_fd_);
}

void CurlTransport::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  Wake();
  if (loop_.joinable()) loop_.join();
}

void CurlTransport::Wake() {
  const std::uint64_t one = 1;
  // Fails only when the counter is saturated, and then the loop wakes anyway.
  (void)!write(wakeup_fd_, &one, sizeof(one));
}

HttpRequestId CurlTransport::Start(HttpRequest request, HttpCallback done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->request = std::move(request);
  transfer->done = std::move(done);
  transfer->max_response_bytes = options_.max_response_bytes;
  HttpRequestId id = 0;
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      id = transfer->id = next_id_++;
      ++in_flight_;
      pending_.push_back(std::move(transfer));
    }
  }
  if (id == 0) {
    // Refused: `done` runs without the lock, so that it may call Start() again.
    std::move(transfer->done)(MakeError(absl::StatusCode::kUnavailable,
                                        "the gateway is shutting down",
                                        kReasonGatewayShuttingDown));
    return 0;
  }
  Wake();
  return id;
}

void CurlTransport::Cancel(HttpRequestId id) {
  if (id == 0) return;
  {
    absl::MutexLock lock(&mu_);
    cancel_requests_.push_back(id);
  }
  Wake();
}

std::size_t CurlTransport::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

void CurlTransport::Loop() {
  std::deque<std::unique_ptr<Transfer>> pending;
  std::vector<HttpRequestId> cancels;
  absl::Time idle_since = absl::Now();
  for (;;) {
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      stopping = stopping_;
      pending.swap(pending_);
      cancels.swap(cancel_requests_);
    }
    const bool started = !pending.empty();
    AddPending(pending);
    CancelRequested(cancels);
    if (stopping) break;
    int running = 0;
    curl_multi_perform(multi_, &running);
    DrainCompleted();
    int timeout_ms = 1000;
    if (started || !active_.empty()) {
      connections_may_be_open_ = true;
      idle_since = absl::InfiniteFuture();
    }
    if (active_.empty() && connections_may_be_open_) {
      const absl::Time now = absl::Now();
      if (idle_since == absl::InfiniteFuture()) idle_since = now;
      const absl::Duration left = idle_since + options_.idle_connection_timeout - now;
      if (left <= absl::ZeroDuration()) {
        CloseIdleConnections();
      } else {
        timeout_ms = static_cast<int>(
            std::clamp<std::int64_t>(absl::ToInt64Milliseconds(left) + 1, 1, timeout_ms));
      }
    }
    curl_waitfd wakeup = {wakeup_fd_, CURL_WAIT_POLLIN, 0};
    curl_multi_poll(multi_, &wakeup, 1, timeout_ms, nullptr);
    if (wakeup.revents != 0) {
      std::uint64_t count = 0;
      (void)!read(wakeup_fd_, &count, sizeof(count));
    }
  }
  // Shutdown: fail whatever is still active.
  std::vector<HttpRequestId> remaining;
  for (auto& [id, transfer] : active_) remaining.push_back(id);
  for (HttpRequestId id : remaining) {
    auto node = active_.extract(id);
    curl_multi_remove_handle(multi_, node.mapped()->handle);
    node.mapped()->cancelled = true;
    Complete(std::move(node.mapped()), CURLE_ABORTED_BY_CALLBACK);
  }
}

void CurlTransport::CloseIdleConnections() {
  CURLM* fresh = NewMulti(options_);
  if (fresh == nullptr) return;  // Out of memory: keep the connections, try later.
  // No easy handle is attached, so this only closes the cached connections.
  curl_multi_cleanup(multi_);
  multi_ = fresh;
  connections_may_be_open_ = false;
}

void CurlTransport::AddPending(std::deque<std::unique_ptr<Transfer>>& pending) {
  while (!pending.empty()) {
    std::unique_ptr<Transfer> transfer = std::move(pending.front());
    pending.pop_front();
    transfer->handle = AcquireHandle();
    if (transfer->handle == nullptr) {
      Complete(std::move(transfer), CURLE_OUT_OF_MEMORY);
      continue;
    }
    ConfigureHandle(*transfer);
    CURLMcode rc = curl_multi_add_handle(multi_, transfer->handle);
    if (rc != CURLM_OK) {
      Complete(std::move(transfer), CURLE_FAILED_INIT);
      continue;
    }
    HttpRequestId id = transfer->id;
    active_.emplace(id, std::move(transfer));
  }
}

void CurlTransport::CancelRequested(std::vector<HttpRequestId>& ids) {
  for (HttpRequestId id : ids) {
    auto it = active_.find(id);
    if (it == active_.end()) continue;  // Finished already, or never started.
    std::unique_ptr<Transfer> transfer = std::move(it->second);
    active_.erase(it);
    curl_multi_remove_handle(multi_, transfer->handle);
    transfer->cancelled = true;
    Complete(std::move(transfer), CURLE_ABORTED_BY_CALLBACK);
  }
  ids.clear();
}

void CurlTransport::DrainCompleted() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* handle = msg->easy_handle;
    CURLcode code = msg->data.result;
    Transfer* raw = nullptr;
    curl_easy_getinfo(handle, CURLINFO_PRIVATE, &raw);
    curl_multi_remove_handle(multi_, handle);
    if (raw == nullptr) continue;
    auto it = active_.find(raw->id);
    if (it == active_.end()) continue;
    std::unique_ptr<Transfer> transfer = std::move(it->second);
    active_.erase(it);
    Complete(std::move(transfer), code);
  }
}

void CurlTransport::Complete(std::unique_ptr<Transfer> transfer, CURLcode code) {
  absl::StatusOr<HttpResponse> outcome;
  if (transfer->cancelled) {
    outcome = MakeError(absl::StatusCode::kCancelled, "the upstream request was cancelled",
                        kReasonCancelled);
  } else if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(transfer->handle, CURLINFO_RESPONSE_CODE, &status);
    transfer->response.status = static_cast<int>(status);
    outcome = std::move(transfer->response);
  } else {
    // Userinfo in the URL (user:password@) never reaches a message.
    const std::string origin = DisplayOrigin(transfer->request.url);
    CurlFailure failure;
    failure.code = code;
    failure.detail = transfer->error;
    failure.origin = origin;
    failure.timeout_is_caller_deadline = transfer->request.timeout_is_caller_deadline;
    failure.body_too_large = transfer->body_too_large;
    failure.max_response_bytes = static_cast<long long>(options_.max_response_bytes);
    outcome = CurlFailureToStatus(failure);
  }
  if (transfer->handle != nullptr) {
    ReleaseHandle(transfer->handle);
    transfer->handle = nullptr;
  }
  HttpCallback done = std::move(transfer->done);
  transfer.reset();
  {
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }
  std::move(done)(std::move(outcome));
}

void CurlTransport::ConfigureHandle(Transfer& t) {
  CURL* h = t.handle;
  const HttpRequest& r = t.request;
  curl_easy_setopt(h, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(
      h, CURLOPT_MAXAGE_CONN,
      std::max<long>(1, static_cast<long>(absl::ToInt64Seconds(options_.idle_connection_timeout))));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  const long timeout_ms =
      std::max<long>(1, static_cast<long>(absl::ToInt64Milliseconds(r.timeout)));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(
      h, CURLOPT_CONNECTTIMEOUT_MS,
      std::min(timeout_ms, static_cast<long>(absl::ToInt64Milliseconds(options_.connect_timeout))));
  // Pages are tens of KiB: read them in few system calls.
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 64L * 1024);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  // An explicit proxy, or none at all: the environment's *_proxy never applies silently.
  curl_easy_setopt(h, CURLOPT_PROXY, options_.proxy.c_str());
  if (r.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.c_str());
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  for (const auto& [name, value] : r.headers) {
    t.header_list = curl_slist_append(t.header_list, absl::StrCat(name, ": ", value).c_str());
  }
  // Suppress "Expect: 100-continue" on POST bodies.
  t.header_list = curl_slist_append(t.header_list, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, t.header_list);
}

CURL* CurlTransport::AcquireHandle() {
  if (!idle_handles_.empty()) {
    CURL* handle = idle_handles_.back();
    idle_handles_.pop_back();
    return handle;
  }
  return curl_easy_init();
}

void CurlTransport::ReleaseHandle(CURL* handle) {
  if (idle_handles_.size() >= kMaxIdleHandles) {
    curl_easy_cleanup(handle);
    return;
  }
  curl_easy_reset(handle);
  idle_handles_.push_back(handle);
}

}  // namespace hss::gateway
