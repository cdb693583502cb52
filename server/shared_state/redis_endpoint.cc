#include "server/shared_state/redis_endpoint.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hss::gateway {

std::string RedisEndpoint::ToString() const {
  const bool v6 = absl::StrContains(host, ':');
  return absl::StrCat("redis://", username, username.empty() ? "" : "@", v6 ? "[" : "", host,
                      v6 ? "]" : "", ":", port, "/", db);
}

absl::StatusOr<RedisEndpoint> ParseRedisEndpoint(absl::string_view url) {
  // A URL with user info may hold a password: it is never repeated.
  const bool may_hold_secret = absl::StrContains(url, '@');
  const auto invalid = [url, may_hold_secret](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--shared_state", may_hold_secret ? "" : "=",
                                                   may_hold_secret ? "" : url, ": ", why,
                                                   " (expected redis://[USER@]HOST:PORT[/DB])"));
  };
  constexpr absl::string_view kScheme = "redis://";
  if (absl::StartsWithIgnoreCase(url, "rediss://")) {
    return invalid(
        "TLS to Redis is not supported by hiredis 0.14; run a local TLS sidecar (e.g. stunnel) "
        "and point --shared_state at its plain-text port on loopback");
  }
  if (!absl::StartsWithIgnoreCase(url, kScheme)) return invalid("the scheme must be redis://");
  absl::string_view rest = url.substr(kScheme.size());
  RedisEndpoint endpoint;
  const std::size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  if (slash != absl::string_view::npos) {
    const absl::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      if (!absl::SimpleAtoi(db, &endpoint.db) || endpoint.db < 0 || endpoint.db > 1023 ||
          !absl::ascii_isdigit(static_cast<unsigned char>(db.front()))) {
        return invalid("the database must be a number 0-1023");
      }
    }
  }
  if (const std::size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    const absl::string_view user = authority.substr(0, at);
    if (absl::StrContains(user, ':')) {
      return invalid(
          "a password is not accepted in the URL; give it with --redis_password_file or the "
          "HSS_REDIS_PASSWORD environment variable");
    }
    if (user.empty()) return invalid("the user name before '@' is empty");
    for (char c : user) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
        return invalid("the user name may hold only letters, digits, '.', '_' and '-'");
      }
    }
    endpoint.username = std::string(user);
    authority = authority.substr(at + 1);
  }
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    const std::size_t close = authority.find(']');
    if (close == absl::string_view::npos) return invalid("an IPv6 address lacks its ']'");
    endpoint.host = std::string(authority.substr(1, close - 1));
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid("text follows the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) port = authority.substr(colon + 1);
    if (absl::StrContains(endpoint.host, ':')) {
      return invalid("an IPv6 address must be in brackets");
    }
  }
  if (endpoint.host.empty()) return invalid("the host is missing");
  for (char c : endpoint.host) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '_') {
      return invalid("the host has a character that is not allowed in a host name");
    }
  }
  const bool port_given = absl::StrContains(
      absl::StartsWith(authority, "[") ? authority.substr(authority.find(']')) : authority, ':');
  if (port_given &&
      (!absl::SimpleAtoi(port, &endpoint.port) || endpoint.port < 1 || endpoint.port > 65535)) {
    return invalid("the port must be a number 1-65535");
  }
  return endpoint;
}

}  // namespace hss::gateway
