#ifndef HSS_SERVER_HTTP_URL_PARTS_H_
#define HSS_SERVER_HTTP_URL_PARTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hss::gateway {

// The parts of an absolute http(s) URL as libcurl's URL API (curl_url) reads
// it: the one parser for everything the gateway derives from a URL (what it
// signs, which limits apply), so that it agrees with what curl sends.
struct UrlParts {
  // "http" or "https", lower case.
  std::string scheme;
  // The host as curl connects to it; an IPv6 literal keeps its brackets
  // ("[::1]"). Userinfo is never part of it.
  std::string host;
  // The port written in the URL, empty when none is.
  std::string port;
  // The path still %-encoded, with curl's dot-segment removal applied; "/"
  // when the URL has none.
  std::string raw_path;
  // The query still %-encoded, without the '?'; empty when none.
  std::string raw_query;

  // host, or host:port when the port is not the scheme's default: the value
  // of the Host header curl sends.
  std::string HostHeader() const;
};

// Splits `url`. INVALID_ARGUMENT naming what is wrong when curl rejects it or
// its scheme is not http(s).
absl::StatusOr<UrlParts> ParseHttpUrl(absl::string_view url);

}  // namespace hss::gateway

#endif  // HSS_SERVER_HTTP_URL_PARTS_H_
