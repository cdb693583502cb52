#include "server/auth/aksk_credentials.h"

#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/aksk_signer.h"
#include "server/http/url_parts.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

absl::Status UrlError(absl::string_view what) {
  return MakeError(absl::StatusCode::kInternal,
                   absl::StrCat("cannot sign the upstream request: ", what), kReasonSigningFailed);
}

std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// True when the path of `url` (as written, before any normalization) has a
// "." or ".." segment.
bool HasDotSegment(absl::string_view url) {
  absl::string_view rest = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = rest.find("://");
  if (scheme != absl::string_view::npos) rest.remove_prefix(scheme + 3);
  const size_t path = rest.find('/');
  if (path == absl::string_view::npos) return false;
  for (absl::string_view segment : absl::StrSplit(rest.substr(path), '/')) {
    if (segment == "." || segment == "..") return true;
  }
  return false;
}

bool IsHeader(const HttpHeader& header, absl::string_view name) {
  return absl::EqualsIgnoreCase(header.first, name);
}

}  // namespace

absl::StatusOr<SigningUrl> ParseSigningUrl(absl::string_view url) {
  // curl sends "/v5/./x" as "/v5/x": a signature (and the X-Project-Id read
  // from the path) over such a URL would not be of what is sent.
  if (HasDotSegment(url)) return UrlError("the URL's path has a \".\" or \"..\" segment");
  absl::StatusOr<UrlParts> parts = ParseHttpUrl(url);
  if (!parts.ok()) return UrlError(parts.status().message());
  SigningUrl out;
  out.host = parts->HostHeader();
  const absl::string_view raw_path = parts->raw_path;
  const absl::string_view raw_query = parts->raw_query;
  auto path = hss::PercentDecode(Std(raw_path));
  if (!path) return UrlError("the URL's path has a malformed %-escape");
  out.path = *std::move(path);
  auto query = hss::ParseQuery(Std(raw_query));
  if (!query) return UrlError("the URL's query has a malformed %-escape");
  out.query = *std::move(query);

  // The project is the segment after "v5", decoded on its own so that an
  // escaped '/' could not shift it.
  std::vector<absl::string_view> segments = absl::StrSplit(raw_path, '/');
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i] == "v5" && !segments[i + 1].empty()) {
      auto project = hss::PercentDecode(Std(segments[i + 1]));
      if (project) out.project_id = *std::move(project);
      break;
    }
  }
  return out;
}

absl::StatusOr<HttpRequest> SignHttpRequest(HttpRequest request, const AkskCredential& credential,
                                            absl::Time now, absl::string_view default_project_id) {
  auto url = ParseSigningUrl(request.url);
  if (!url.ok()) return url.status();

  std::string project_id = url->project_id;
  std::vector<HttpHeader> kept;
  kept.reserve(request.headers.size() + 5);
  for (auto& header : request.headers) {
    if (IsHeader(header, "X-Project-Id")) {
      if (project_id.empty()) project_id = header.second;
      continue;
    }
    if (IsHeader(header, "Host") || IsHeader(header, "X-Sdk-Date") ||
        IsHeader(header, "X-Security-Token") || IsHeader(header, "Authorization")) {
      continue;
    }
    kept.push_back(std::move(header));
  }
  if (project_id.empty()) project_id = std::string(default_project_id);
  if (project_id.empty()) project_id = credential.project_id;

  hss::SigningRequest signing;
  signing.method = request.method;
  signing.path = std::move(url->path);
  signing.query = std::move(url->query);
  signing.body = request.body;
  signing.headers.emplace_back("Host", url->host);
  signing.headers.emplace_back(std::string(hss::kSdkDateHeader),
                               hss::FormatSdkDate(absl::ToUnixSeconds(now)));
  if (!project_id.empty()) signing.headers.emplace_back("X-Project-Id", project_id);
  if (!credential.security_token.empty()) {
    signing.headers.emplace_back("X-Security-Token", credential.security_token);
  }
  std::string authorization = hss::AuthorizationHeader(signing, credential.ak, credential.sk);

  for (auto& header : signing.headers) kept.push_back(std::move(header));
  kept.emplace_back("Authorization", std::move(authorization));
  request.headers = std::move(kept);
  return request;
}

AkskCredentials::AkskCredentials(std::shared_ptr<CredentialSource> source,
                                 AkskCredentialsOptions options)
    : source_(std::move(source)), options_(std::move(options)) {}

void AkskCredentials::Authorize(HttpRequest request, const CallContext& /*context*/,
                                AuthorizeCallback done) {
  std::shared_ptr<const AkskCredential> credential = source_->Current();
  const absl::Time now = options_.clock ? options_.clock() : absl::Now();
  std::move(done)(
      SignHttpRequest(std::move(request), *credential, now, options_.default_project_id));
}

}  // namespace hss::gateway
