#ifndef HSS_SERVER_AUTHZ_XFCC_H_
#define HSS_SERVER_AUTHZ_XFCC_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hss::gateway {

// The caller identities in an Envoy `x-forwarded-client-cert` header value
// (`By=…;Hash=…;Subject="CN=a,O=b";URI=spiffe://…;DNS=a.example`, elements of
// several proxies separated by ','): those of the LAST element, the one the
// proxy next to the gateway added, as Caller::identities writes them (URI
// values as is, "dns:" + DNS, "cn:" + the Subject's CN). Quoted values may
// hold ',' ';' '=' and \" escapes. Empty when the header names none.
std::vector<std::string> IdentitiesFromXfcc(absl::string_view header);

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTHZ_XFCC_H_
