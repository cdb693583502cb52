#include "server/http/url_redaction.h"

#include <curl/curl.h>

#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"

namespace hss::gateway {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlFreeDeleter {
  void operator()(char* text) const { curl_free(text); }
};

// Where the authority of `url` starts and ends (after "scheme://", up to the
// first '/', '?' or '#').
struct Authority {
  std::size_t begin;
  std::size_t end;
};

Authority FindAuthority(absl::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t begin = scheme_end == absl::string_view::npos ? 0 : scheme_end + 3;
  std::size_t end = url.find_first_of("/?#", begin);
  if (end == absl::string_view::npos) end = url.size();
  return {begin, end};
}

// `url` without anything up to the last '@' of its authority: the fallback for
// a URL curl cannot parse.
std::string StripUserinfoByHand(absl::string_view url) {
  const Authority authority = FindAuthority(url);
  const absl::string_view inside = url.substr(authority.begin, authority.end - authority.begin);
  const std::size_t at = inside.rfind('@');
  if (at == absl::string_view::npos) return std::string(url);
  return absl::StrCat(url.substr(0, authority.begin), url.substr(authority.begin + at + 1));
}

// `url` parsed by curl with its userinfo cleared, or nullopt if curl rejects it.
std::optional<CurlUrl> ParseWithoutUserinfo(absl::string_view url) {
  CurlUrl parsed(curl_url());
  if (parsed == nullptr) return std::nullopt;
  const std::string text(url);
  if (curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) !=
      CURLUE_OK) {
    return std::nullopt;
  }
  for (CURLUPart part : {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS}) {
    if (curl_url_set(parsed.get(), part, nullptr, 0) != CURLUE_OK) return std::nullopt;
  }
  return parsed;
}

// The whole URL of `parsed`, or nullopt.
std::optional<std::string> Serialize(const CurlUrl& parsed) {
  char* raw = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_URL, &raw, 0) != CURLUE_OK || raw == nullptr) {
    return std::nullopt;
  }
  std::unique_ptr<char, CurlFreeDeleter> text(raw);
  return std::string(text.get());
}

}  // namespace

std::string RedactUrl(absl::string_view url) {
  if (std::optional<CurlUrl> parsed = ParseWithoutUserinfo(url)) {
    if (std::optional<std::string> text = Serialize(*parsed)) return *std::move(text);
  }
  return StripUserinfoByHand(url);
}

std::string DisplayOrigin(absl::string_view url) {
  if (std::optional<CurlUrl> parsed = ParseWithoutUserinfo(url)) {
    bool cleared = true;
    for (CURLUPart part : {CURLUPART_PATH, CURLUPART_QUERY, CURLUPART_FRAGMENT}) {
      cleared = cleared && curl_url_set(parsed->get(), part, nullptr, 0) == CURLUE_OK;
    }
    if (cleared) {
      if (std::optional<std::string> text = Serialize(*parsed)) {
        // curl writes the empty path as "/".
        if (!text->empty() && text->back() == '/') text->pop_back();
        return *std::move(text);
      }
    }
  }
  const std::string stripped = StripUserinfoByHand(url);
  return stripped.substr(0, FindAuthority(stripped).end);
}

}  // namespace hss::gateway
