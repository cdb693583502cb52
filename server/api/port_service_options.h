#ifndef HSS_SERVER_API_PORT_SERVICE_OPTIONS_H_
#define HSS_SERVER_API_PORT_SERVICE_OPTIONS_H_

#include <memory>
#include <string>

#include "server/auth/project_resolver.h"
#include "server/authz/policy_watcher.h"
#include "server/watch/watch_hub.h"

namespace hss::gateway {

// Settings of the gRPC service, fixed at start-up.
struct PortServiceOptions {
  // Project used when a request leaves project_id empty; may be empty.
  std::string default_project_id;
  // Write one structured log line per finished call.
  bool log_calls = true;
  // Resolves the project of `region` through IAM when neither the request nor
  // the gateway names one; may be null (then project_id is required).
  std::shared_ptr<ProjectResolver> project_resolver;
  // The region whose project `project_resolver` looks up.
  std::string region;
  // Who the upstream sees when the gateway uses its own credentials (e.g. a
  // hash of the AK); empty in passthrough mode, where each caller's token
  // hash is used. Keys quotas, coalescing and the cache.
  std::string gateway_identity;
  // Caller authorization (--authz_policy_file); null: every caller may call
  // everything. Checked once the call's project is known, before validation
  // and before any upstream request.
  std::shared_ptr<PolicyWatcher> authz;
  // The metadata key a mesh proxy puts the caller's identity in
  // (--authz_trusted_identity_header, lower case); empty: none is trusted.
  std::string authz_trusted_identity_header;
  // The pollers WatchPorts calls join (server/watch/); null: WatchPorts is
  // UNIMPLEMENTED.
  std::shared_ptr<WatchHub> watch;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_PORT_SERVICE_OPTIONS_H_
