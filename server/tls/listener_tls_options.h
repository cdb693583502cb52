#ifndef HSS_SERVER_TLS_LISTENER_TLS_OPTIONS_H_
#define HSS_SERVER_TLS_LISTENER_TLS_OPTIONS_H_

#include <string>

#include "absl/time/time.h"

namespace hss::gateway {

// How the gRPC listener secures its connections. All paths empty: plaintext
// (the default, for loopback and for meshes whose sidecar terminates TLS).
struct ListenerTlsOptions {
  // PEM certificate chain the gateway presents (--tls_cert_file); with
  // key_file, turns TLS on.
  std::string cert_file;
  // PEM private key of cert_file's leaf (--tls_key_file).
  std::string key_file;
  // PEM CA certificates that client certificates must chain to
  // (--tls_client_ca_file); non-empty: mTLS, a verified client certificate
  // is required.
  std::string client_ca_file;
  // How often the files are re-read (--tls_reload_interval): a rotated
  // certificate is served to new connections within this delay.
  absl::Duration reload_interval = absl::Seconds(60);

  // True when the listener speaks TLS.
  bool enabled() const { return !cert_file.empty(); }
  // True when clients must present a certificate.
  bool mutual() const { return !client_ca_file.empty(); }
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_TLS_LISTENER_TLS_OPTIONS_H_
