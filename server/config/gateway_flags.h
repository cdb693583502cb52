#ifndef HSS_SERVER_CONFIG_GATEWAY_FLAGS_H_
#define HSS_SERVER_CONFIG_GATEWAY_FLAGS_H_

#include "absl/status/statusor.h"
#include "server/config/gateway_options.h"

namespace hss::gateway {

// Reads the command-line flags (defined in gateway_flags.cc; only hss-gateway
// and the flag tests link them) and the environment into options, with a
// start-up error a person can act on when they are incomplete or inconsistent.
absl::StatusOr<GatewayOptions> GatewayOptionsFromFlags(EnvLookup env);

}  // namespace hss::gateway

#endif  // HSS_SERVER_CONFIG_GATEWAY_FLAGS_H_
