#ifndef HSS_SERVER_TLS_LISTENER_CREDENTIALS_H_
#define HSS_SERVER_TLS_LISTENER_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>

#include "absl/status/statusor.h"
#include "server/tls/listener_tls_options.h"

namespace hss::gateway {

// The credentials of the gRPC listener: plaintext when TLS is off; otherwise
// TLS whose certificate (and, for mTLS, client CA) gRPC's
// FileWatcherCertificateProvider re-reads every options.reload_interval, so a
// rotated certificate reaches new handshakes without a restart while
// established connections keep theirs. With a client CA, a client
// certificate is required and verified. Fails (InvalidArgument, naming the
// file) when CheckListenerTlsFiles() does, or when only one of the cert and
// key files is set.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeListenerCredentials(
    const ListenerTlsOptions& options);

}  // namespace hss::gateway

#endif  // HSS_SERVER_TLS_LISTENER_CREDENTIALS_H_
