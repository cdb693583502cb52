#ifndef HSS_SERVER_TLS_PEM_CHECK_H_
#define HSS_SERVER_TLS_PEM_CHECK_H_

#include "absl/status/status.h"
#include "server/tls/listener_tls_options.h"

namespace hss::gateway {

// Checks, before gRPC is handed the files, that the files `options` names are
// usable: the certificate file holds at least one PEM certificate, the key
// file a PEM private key that belongs to the first certificate, the client CA
// file at least one PEM certificate. gRPC itself would only log an error and
// refuse every handshake; this fails start-up instead. Returns
// InvalidArgument naming the flag and the file (never the key's contents).
// OK when TLS is off.
absl::Status CheckListenerTlsFiles(const ListenerTlsOptions& options);

}  // namespace hss::gateway

#endif  // HSS_SERVER_TLS_PEM_CHECK_H_
