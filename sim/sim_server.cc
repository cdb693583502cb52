#include "sim/sim_server.h"

#include <httplib.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <memory>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sim/connection_control.h"
#include "sim/error_body.h"
#include "sim/faults/oversized_body.h"

namespace hss::sim {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;

SimHttpRequest ToSimRequest(const httplib::Request& req) {
  SimHttpRequest out;
  out.method = req.method;
  out.target = req.target;
  out.headers.reserve(req.headers.size());
  for (const auto& [name, value] : req.headers) {
    // cpp-httplib adds the connection's addresses as pseudo headers: not part of the request.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
        name == "LOCAL_PORT") {
      continue;
    }
    out.headers.emplace_back(name, value);
  }
  out.body = req.body;
  out.remote_addr = req.remote_addr;
  return out;
}

bool HasBody(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  const std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

}  // namespace

// Exposes the listening socket to adjust its backlog.
class SimServer::HttpServer : public httplib::Server {
 public:
  int listen_fd() const { return static_cast<int>(svr_sock_); }
};

SimServer::SimServer(SimService* service, ServerOptions options)
    : service_(service), options_(std::move(options)), http_(std::make_unique<HttpServer>()) {
  signal(SIGPIPE, SIG_IGN);
  const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_tcp_nodelay(true);
  http_->set_keep_alive_max_count(options_.keep_alive_max_count);
  http_->set_keep_alive_timeout(options_.keep_alive_timeout_s);
  http_->set_read_timeout(options_.io_timeout_s, 0);
  http_->set_write_timeout(options_.io_timeout_s, 0);
  http_->set_payload_max_length(options_.max_body_bytes);

  const auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    SimHttpResponse answer = service_->Handle(ToSimRequest(req));
    if (answer.delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(answer.delay_ms));
    if (answer.delivery == Delivery::kDrop || answer.delivery == Delivery::kReset) {
      const int fd = FindConnectionFd(req.local_port, req.remote_addr, req.remote_port);
      if (fd >= 0 && AbortConnection(fd, answer.delivery == Delivery::kReset)) {
        res.status = 500;  // Never reaches the client: the connection is gone.
        res.set_header("Connection", "close");
        return;
      }
      answer = ErrorResponse(500, "SIM.0500", "drop_connection failed: socket not found",
                             service_->request_ids().Next());
    }
    res.status = answer.status;
    for (const auto& [name, value] : answer.headers) res.set_header(name, value);
    switch (answer.delivery) {
      case Delivery::kTruncate: {
        auto body = std::make_shared<std::string>(std::move(answer.body));
        const size_t send = std::min(answer.truncate_at, body->size());
        res.set_content_provider(
            body->size(), answer.content_type,
            [body, send](size_t /*offset*/, size_t /*length*/, httplib::DataSink& sink) {
              if (send > 0) sink.write(body->data(), send);
              return false;  // Abort: the client sees a short body, then the close.
            });
        break;
      }
      case Delivery::kOversized: {
        auto body = std::make_shared<OversizedBody>(answer.oversized_bytes, std::move(answer.body));
        res.set_chunked_content_provider(
            answer.content_type, [body](size_t /*offset*/, httplib::DataSink& sink) {
              std::string chunk;
              body->Next(kChunkBytes, chunk);
              if (!chunk.empty() && !sink.write(chunk.data(), chunk.size())) return false;
              if (body->done()) sink.done();
              return true;
            });
        break;
      }
      default:
        res.body = std::move(answer.body);  // set_content would copy it.
        res.set_header("Content-Type", answer.content_type);
    }
  };

  // Fast path without regex routing for requests without a body; the others are routed so that
  // cpp-httplib reads their body first.
  http_->set_pre_routing_handler([dispatch](const httplib::Request& req, httplib::Response& res) {
    if (HasBody(req)) return httplib::Server::HandlerResponse::Unhandled;
    dispatch(req, res);
    return httplib::Server::HandlerResponse::Handled;
  });
  http_->Get(".*", dispatch);
  http_->Post(".*", dispatch);
  http_->Put(".*", dispatch);
  http_->Patch(".*", dispatch);
  http_->Delete(".*", dispatch);
  http_->Options(".*", dispatch);
  // Errors cpp-httplib produces itself (bad request line, too large, ...): give them an HSS body
  // and a request id too. Answers from `dispatch` already carry X-Request-Id.
  http_->set_error_handler(
      httplib::Server::HandlerWithResponse([this](const httplib::Request&, httplib::Response& res) {
        if (res.has_header("X-Request-Id")) return httplib::Server::HandlerResponse::Unhandled;
        const std::string id = service_->request_ids().Next();
        res.set_header("X-Request-Id", id);
        res.set_content(ErrorBody(BodyShape::kErrorCode, "APIG.0201",
                                  absl::StrCat("Request error (HTTP ", res.status, ")"), id),
                        std::string(kJsonContentType));
        return httplib::Server::HandlerResponse::Handled;
      }));
  http_->set_exception_handler(
      [this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        const std::string id = service_->request_ids().Next();
        res.status = 500;
        res.set_header("X-Request-Id", id);
        res.set_content(ErrorBody(BodyShape::kErrorCode, "SIM.0500", "internal error", id),
                        std::string(kJsonContentType));
      });
}

SimServer::~SimServer() { Stop(); }

absl::StatusOr<int> SimServer::Bind() {
  int port = options_.port;
  if (port == 0) {
    port = http_->bind_to_any_port(options_.host);
    if (port < 0) port = 0;
  } else if (!http_->bind_to_port(options_.host, port)) {
    port = 0;
  }
  if (port <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.host, ":", options_.port));
  }
  // cpp-httplib listens with a backlog of 5, too small for benchmark connection bursts.
  listen(http_->listen_fd(), options_.listen_backlog);
  port_ = port;
  return port;
}

bool SimServer::Serve() { return http_->listen_after_bind(); }

void SimServer::Start() {
  thread_ = std::thread([this] { Serve(); });
  // stop() is a no-op until the accept loop runs, so wait for it.
  for (int i = 0; i < 5000 && !http_->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void SimServer::Stop() {
  http_->stop();
  // Idle keep-alive connections would hold their threads (and the join) until their timeout.
  for (int i = 0; i < 500 && port_ > 0 && http_->is_running(); ++i) {
    ShutdownConnections(port_);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (thread_.joinable()) thread_.join();
}

std::string SimServer::base_url() const {
  const bool v6 = options_.host.find(':') != std::string::npos;
  return absl::StrCat("http://", v6 ? "[" : "", options_.host, v6 ? "]" : "", ":", port_);
}

}  // namespace hss::sim
