#ifndef HSS_SIM_SIM_SERVER_H_
#define HSS_SIM_SIM_SERVER_H_

// The HTTP/1.1 transport of the simulator (cpp-httplib, thread per connection, keep-alive),
// usable in-process by tests: SimServer server(&service, {}); server.Bind(); server.Start();
// ... server.Stop();  cpp-httplib stays out of this header.

#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "sim/sim_service.h"

namespace hss::sim {

// Socket-level settings.
struct ServerOptions {
  // Address to bind (loopback by default).
  std::string host = "127.0.0.1";
  // Port to bind; 0 picks a free one.
  int port = 0;
  // Worker threads = concurrent connections served (further connections wait for a thread).
  int threads = 256;
  // Idle seconds before a keep-alive connection is closed.
  int keep_alive_timeout_s = 30;
  // Requests per connection before it is closed.
  size_t keep_alive_max_count = 100000;
  // Seconds to wait for (the rest of) a request / for the client to accept data.
  int io_timeout_s = 30;
  // listen(2) backlog.
  int listen_backlog = 1024;
  // Largest accepted request body (control endpoints), bytes.
  size_t max_body_bytes = 1 << 20;
};

// Serves a SimService over HTTP. Ignores SIGPIPE process-wide (writes to closed peers must not
// kill the process).
class SimServer {
 public:
  // `service` must outlive the server.
  SimServer(SimService* service, ServerOptions options);
  // Stops and joins if still running.
  ~SimServer();

  // Not copyable (owns sockets and threads).
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds the listening socket; returns the bound port.
  absl::StatusOr<int> Bind();

  // Serves until Stop() (call after Bind()). Returns false if serving failed.
  bool Serve();

  // Runs Serve() on a background thread.
  void Start();

  // Stops accepting, closes open connections and (if Start()ed) joins the thread. Safe to call
  // from any thread, more than once.
  void Stop();

  // The bound port (0 before Bind()).
  int port() const { return port_; }

  // `http://HOST:PORT` of the bound socket (IPv6 hosts in brackets).
  std::string base_url() const;

 private:
  class HttpServer;

  SimService* const service_;
  const ServerOptions options_;
  std::unique_ptr<HttpServer> http_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace hss::sim

#endif  // HSS_SIM_SIM_SERVER_H_
