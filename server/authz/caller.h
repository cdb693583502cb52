#ifndef HSS_SERVER_AUTHZ_CALLER_H_
#define HSS_SERVER_AUTHZ_CALLER_H_

#include <string>
#include <vector>

namespace hss::gateway {

// Who is calling, as the authorization policy sees it: every identity the
// caller proved, most specific first. Each is written the way a policy names
// it: a URI SAN as is (e.g. "spiffe://cluster.local/ns/ops/sa/scanner"), a DNS
// SAN as "dns:<name>", the subject common name as "cn:<name>".
struct Caller {
  std::vector<std::string> identities;

  // The identity named in denials and the call log: the first one, or
  // "anonymous" when the caller proved none.
  std::string primary() const { return identities.empty() ? "anonymous" : identities.front(); }
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTHZ_CALLER_H_
