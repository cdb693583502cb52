#ifndef HSS_SERVER_HTTP_URL_REDACTION_H_
#define HSS_SERVER_HTTP_URL_REDACTION_H_

#include <string>

#include "absl/strings/string_view.h"

namespace hss::gateway {

// URLs as the gateway shows them in errors and logs: without the userinfo
// (`user:password@`, and curl's `;options`) an endpoint may carry. Both parse
// with libcurl's URL API (curl_url), so they agree with what curl sends to;
// a URL curl cannot parse loses everything up to the last '@' of its
// authority instead.

// `url` without its userinfo, path and query kept: "http://u:p@h:1/b?q" →
// "http://h:1/b?q".
std::string RedactUrl(absl::string_view url);

// scheme://host[:port] of `url`, without userinfo, path, query or fragment:
// "http://u:p@h:1/b?q" → "http://h:1".
std::string DisplayOrigin(absl::string_view url);

}  // namespace hss::gateway

#endif  // HSS_SERVER_HTTP_URL_REDACTION_H_
