#ifndef HSS_CLIENT_CLI_OPTIONS_H_
#define HSS_CLIENT_CLI_OPTIONS_H_

// The values of hss-ports's flags, as plain data.

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace hss::client {

// Every flag of hss-ports, unvalidated. Text-valued enums (type, status,
// category, output) are validated when a request or output format is built.
struct CliOptions {
  // --target: the gateway's address, HOST:PORT.
  std::string target = "127.0.0.1:50051";
  // --timeout: list: the call's deadline; stream: the longest wait for a page.
  absl::Duration timeout = absl::Seconds(10);
  // --output: "table", "json" (list) or "jsonl" (stream).
  std::string output = "table";
  // --token: the auth token itself (visible in `ps`); empty if not given.
  std::string token;
  // --token_file: a file holding the auth token; empty if not given.
  std::string token_file;
  // --tls: connect with TLS instead of plaintext.
  bool tls = false;
  // --tls_ca_file: PEM roots to verify the gateway with; empty: system roots.
  std::string tls_ca_file;
  // --tls_cert_file, --tls_key_file: the client's own certificate chain and
  // key (PEM), for a gateway that requires mTLS; empty: none.
  std::string tls_cert_file;
  std::string tls_key_file;
  // --wide: table cells stay whole even when stdout is a narrower terminal.
  bool wide = false;

  // --project_id, --host_id, --host_name, --host_ip, --enterprise_project_id:
  // the request's string fields, passed through unchanged.
  std::string project_id;
  std::string host_id;
  std::string host_name;
  std::string host_ip;
  std::string enterprise_project_id;
  // --port: the port filter; nullopt when the flag is absent or empty.
  std::optional<int> port;
  // --type (tcp|udp), --status (normal|danger|unknown), --category
  // (host|container); empty: no filter / upstream default.
  std::string type;
  std::string status;
  std::string category;

  // --limit, --offset: ListPorts paging.
  int limit = 0;
  int offset = 0;
  // --page_size, --start_offset: StreamPorts paging.
  int page_size = 0;
  int start_offset = 0;
  // --interval: WatchPorts seconds between polls; 0: the gateway's default.
  int interval = 0;
  // --duration: how long a watch runs; InfiniteDuration: until interrupted.
  absl::Duration duration = absl::InfiniteDuration();
};

}  // namespace hss::client

#endif  // HSS_CLIENT_CLI_OPTIONS_H_
