#ifndef HSS_SERVER_AUTHZ_AUTHZ_OPTIONS_H_
#define HSS_SERVER_AUTHZ_AUTHZ_OPTIONS_H_

#include <string>

#include "absl/time/time.h"

namespace hss::gateway {

// Caller authorization settings. No policy file: every caller may call
// everything (the default).
struct AuthzOptions {
  // JSON policy (--authz_policy_file); non-empty turns authorization on.
  std::string policy_file;
  // How often the policy file's mtime is checked (--authz_reload_interval).
  absl::Duration reload_interval = absl::Seconds(5);
  // Metadata key, lower case, whose value names the caller
  // (--authz_trusted_identity_header), set by a mesh proxy that terminates
  // mTLS; empty: only the gateway's own mTLS peer certificate counts.
  // "x-forwarded-client-cert" is read as Envoy's XFCC; any other header's
  // value is the caller's identity as is.
  std::string trusted_identity_header;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTHZ_AUTHZ_OPTIONS_H_
