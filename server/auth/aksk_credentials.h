#ifndef HSS_SERVER_AUTH_AKSK_CREDENTIALS_H_
#define HSS_SERVER_AUTH_AKSK_CREDENTIALS_H_

// --auth=aksk: signs each upstream request with Huawei Cloud's SDK-HMAC-SHA256
// scheme (the algorithm is common/aksk_signer.h), the way the
// official SDKs do for project-scoped ("basic") credentials:
//
//   X-Sdk-Date: <now, YYYYMMDDTHHMMSSZ>
//   Host: <host[:port] of the URL; the port only when not the scheme's default>
//   X-Project-Id: <the project in the path /v5/{project_id}/..., else configured>
//   X-Security-Token: <temporary credentials only>
//   Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=host;x-project-id;
//                  x-sdk-date[;x-security-token], Signature=<hex>
//
// Exactly those headers are signed (other headers such as Accept are sent but
// not signed, so a proxy that rewrites them cannot break the signature). The
// Host header is sent explicitly, so what is signed is what curl sends.

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/uri_encoding.h"
#include "server/auth/credential_source.h"
#include "server/auth/credentials.h"

namespace hss::gateway {

// What the signature covers of an absolute URL.
struct SigningUrl {
  // The Host header value: host[:port], the port only when it is not the
  // scheme's default (80 for http, 443 for https); user info is dropped.
  std::string host;
  // The percent-decoded path ("/" when the URL has none).
  std::string path;
  // The decoded query parameters, in URL order.
  std::vector<hss::QueryParam> query;
  // The decoded project id of a path ".../v5/{project_id}/...", or "".
  std::string project_id;
};

// Splits an absolute http(s) URL (as RestHssStub builds it) into the parts the
// signature covers, read by curl's own URL parser (http/url_parts.h) so that
// what is signed is what curl sends. Fails with INTERNAL on a URL it cannot
// parse, or whose path has a "." or ".." segment (curl would remove it).
absl::StatusOr<SigningUrl> ParseSigningUrl(absl::string_view url);

// Signs `request` with `credential` at `now`: replaces any Host, X-Sdk-Date,
// X-Security-Token and Authorization headers it has, adds X-Project-Id (the
// URL's project, else an X-Project-Id already present, else
// `default_project_id`, else the credential's; none when all are empty), and
// adds the Authorization header. Pure: no I/O.
absl::StatusOr<HttpRequest> SignHttpRequest(HttpRequest request, const AkskCredential& credential,
                                            absl::Time now, absl::string_view default_project_id);

// Settings of AkskCredentials, fixed at start-up.
struct AkskCredentialsOptions {
  // X-Project-Id for requests whose URL names no project (e.g. IAM calls);
  // when empty, the credential's own project_id is used.
  std::string default_project_id;
  // Returns the current time (the X-Sdk-Date); replaced in tests.
  absl::AnyInvocable<absl::Time() const> clock;
};

// Credentials for --auth=aksk: signs every request with the current
// credentials of a CredentialSource (so a rotated credentials file applies to
// the next request). Completes synchronously.
class AkskCredentials final : public Credentials {
 public:
  AkskCredentials(std::shared_ptr<CredentialSource> source, AkskCredentialsOptions options);

  void Authorize(HttpRequest request, const CallContext& context, AuthorizeCallback done) override;

 private:
  const std::shared_ptr<CredentialSource> source_;
  const AkskCredentialsOptions options_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_AKSK_CREDENTIALS_H_
