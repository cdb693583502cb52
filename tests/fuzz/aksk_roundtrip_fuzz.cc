// Fuzzes AK/SK signing (common/aksk_signer.h, as the gateway applies it in
// server/auth/aksk_credentials.h) against the simulator's verifier
// (sim/access/auth.h).
//
// Input (FuzzedDataProvider): credentials, a project id, query parameters,
// extra headers (all arbitrary bytes), a body and the signing time.
// The gateway side: the URL BuildUrl() makes for /v5/<project>/asset/ports
// with that query, signed with SignHttpRequest(). The simulator side: the
// request target split and decoded as sim/sim_service.cc does, then
// Authenticator::Check() in --auth=aksk mode at the signing time.
// Invariants: no crash or sanitizer report; for credentials that
// ValidateAkskCredential() accepts, signing succeeds and the simulator accepts
// the signature; changing the SK or one query value makes it refuse.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/aksk_signer.h"
#include "common/uri_encoding.h"
#include "server/auth/aksk_credentials.h"
#include "server/auth/credential_source.h"
#include "server/rest/upstream_query.h"
#include "sim/access/auth.h"
#include "sim/http_types.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

constexpr absl::string_view kEndpoint = "http://127.0.0.1:8080";

// What the simulator makes of `request` (sim/sim_service.cc): the verdict of
// an --auth=aksk Authenticator with `ak`/`sk` at `wall_ms`.
hss::sim::AuthResult Verify(const hss::gateway::HttpRequest& request, const std::string& ak,
                            const std::string& sk, int64_t wall_ms) {
  hss::sim::SimHttpRequest http;
  http.method = request.method;
  http.target = request.url.substr(kEndpoint.size());
  http.headers = request.headers;
  http.body = request.body;
  http.remote_addr = "127.0.0.1";

  const std::string_view target = http.target;
  const size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view raw_query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  constexpr std::string_view kPrefix = "/v5/";
  constexpr std::string_view kSuffix = "/asset/ports";
  Check(raw_path.starts_with(kPrefix) && raw_path.ends_with(kSuffix));
  const std::string_view project =
      raw_path.substr(kPrefix.size(), raw_path.size() - kPrefix.size() - kSuffix.size());
  Check(!project.empty() && project.find('/') == std::string_view::npos);
  const std::optional<std::vector<hss::QueryParam>> query = hss::ParseQuery(raw_query);
  const std::optional<std::string> decoded_project = hss::PercentDecode(project);
  Check(query.has_value() && decoded_project.has_value());

  hss::sim::AuthConfig config;
  config.mode = hss::sim::AuthMode::kAksk;
  config.access_key = ak;
  config.secret_key = sk;
  const hss::sim::Authenticator authenticator(config, nullptr, nullptr);
  hss::sim::AuthRequest auth_request;
  auth_request.http = &http;
  auth_request.decoded_path = "/v5/" + *decoded_project + "/asset/ports";
  auth_request.query = &*query;
  auth_request.wall_ms = wall_ms;
  auth_request.monotonic_ms = 1;
  return authenticator.Check(auth_request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  hss::gateway::AkskCredential credential;
  credential.ak = input.ConsumeRandomLengthString(40);
  credential.sk = input.ConsumeRandomLengthString(80);
  if (input.ConsumeBool()) credential.security_token = input.ConsumeRandomLengthString(200);
  std::string project = input.ConsumeRandomLengthString(80);
  if (project.empty()) project = "p";
  hss::gateway::UpstreamTarget target;
  target.path = "/v5/" + hss::PercentEncode(project) + "/asset/ports";
  const int params = input.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < params; ++i) {
    std::string key = input.ConsumeRandomLengthString(20);
    target.query.emplace_back(std::move(key), input.ConsumeRandomLengthString(60));
  }
  hss::gateway::HttpRequest request;
  request.url = hss::gateway::BuildUrl(kEndpoint, target);
  const int headers = input.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < headers; ++i) {
    std::string name = input.ConsumeRandomLengthString(20);
    request.headers.emplace_back(std::move(name), input.ConsumeRandomLengthString(60));
  }
  if (input.ConsumeBool()) request.body = input.ConsumeRandomLengthString(100);
  // 1970 to 2286, whole seconds.
  const int64_t unix_s = input.ConsumeIntegralInRange<int64_t>(0, 9999999999);

  if (!hss::gateway::ValidateAkskCredential(credential, "fuzz").ok()) return 0;
  absl::StatusOr<hss::gateway::HttpRequest> signed_request = hss::gateway::SignHttpRequest(
      request, credential, absl::FromUnixSeconds(unix_s), "default-project");
  // The gateway refuses these project ids at its edge; the signer refuses the
  // dot segment they make (curl would remove it).
  if (project == "." || project == "..") {
    Check(!signed_request.ok());
    return 0;
  }
  Check(signed_request.ok());

  const hss::sim::AuthResult verdict =
      Verify(*signed_request, credential.ak, credential.sk, unix_s * 1000);
  if (!verdict.ok) {
    fprintf(stderr, "refused: %s\n", verdict.error_msg.c_str());
    std::abort();
  }
  Check(!Verify(*signed_request, credential.ak, credential.sk + "x", unix_s * 1000).ok);
  if (!target.query.empty()) {
    hss::gateway::UpstreamTarget changed = target;
    changed.query.back().second += "x";
    hss::gateway::HttpRequest tampered = *signed_request;
    tampered.url = hss::gateway::BuildUrl(kEndpoint, changed);
    Check(!Verify(tampered, credential.ak, credential.sk, unix_s * 1000).ok);
  }
  return 0;
}
