#include "server/http/url_parts.h"

#include <curl/curl.h>

#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hss::gateway {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct CurlFreeDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// `part` of `url`, empty when the URL has none; nullopt on any other error.
std::optional<std::string> GetPart(CURLU* url, CURLUPart part) {
  char* raw = nullptr;
  const CURLUcode code = curl_url_get(url, part, &raw, 0);
  if (code == CURLUE_NO_PORT || code == CURLUE_NO_QUERY) return std::string();
  if (code != CURLUE_OK || raw == nullptr) return std::nullopt;
  const std::unique_ptr<char, CurlFreeDeleter> text(raw);
  return std::string(text.get());
}

}  // namespace

std::string UrlParts::HostHeader() const {
  const bool default_port =
      port.empty() || (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  return default_port ? host : absl::StrCat(host, ":", port);
}

absl::StatusOr<UrlParts> ParseHttpUrl(absl::string_view url) {
  const std::unique_ptr<CURLU, CurlUrlDeleter> parsed(curl_url());
  if (parsed == nullptr) return absl::ResourceExhaustedError("curl_url() failed");
  const std::string text(url);
  const CURLUcode code = curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0);
  if (code != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("the URL is not valid (curl: ", curl_url_strerror(code), ")"));
  }
  UrlParts parts;
  std::optional<std::string> scheme = GetPart(parsed.get(), CURLUPART_SCHEME);
  std::optional<std::string> host = GetPart(parsed.get(), CURLUPART_HOST);
  std::optional<std::string> port = GetPart(parsed.get(), CURLUPART_PORT);
  std::optional<std::string> path = GetPart(parsed.get(), CURLUPART_PATH);
  std::optional<std::string> query = GetPart(parsed.get(), CURLUPART_QUERY);
  if (!scheme || !host || !port || !path || !query) {
    return absl::InvalidArgumentError("the URL is not valid (curl cannot split it)");
  }
  parts.scheme = absl::AsciiStrToLower(*scheme);
  if (parts.scheme != "http" && parts.scheme != "https") {
    return absl::InvalidArgumentError("the URL is not http(s)");
  }
  if (host->empty()) return absl::InvalidArgumentError("the URL has no host");
  parts.host = *std::move(host);
  parts.port = *std::move(port);
  parts.raw_path = path->empty() ? "/" : *std::move(path);
  parts.raw_query = *std::move(query);
  return parts;
}

}  // namespace hss::gateway
