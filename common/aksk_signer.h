#ifndef HSS_COMMON_AKSK_SIGNER_H_
#define HSS_COMMON_AKSK_SIGNER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/uri_encoding.h"

namespace hss {

// An HTTP request as Huawei Cloud's SDK-HMAC-SHA256 scheme sees it.
struct SigningRequest {
  // Upper-case method, e.g. "GET".
  std::string method;
  // The decoded path, e.g. "/v5/my project/asset/ports" (no query, no trailing slash needed).
  std::string path;
  // Decoded query parameters in any order.
  std::vector<QueryParam> query;
  // Headers to sign (name as sent, value as sent). Must include X-Sdk-Date.
  std::vector<std::pair<std::string, std::string>> headers;
  // The request body ("" for GET).
  std::string body;
};

// The algorithm name used in StringToSign and the Authorization header.
inline constexpr std::string_view kSdkHmacSha256 = "SDK-HMAC-SHA256";

// Formats a UTC time (seconds since the Unix epoch) as X-Sdk-Date `YYYYMMDDTHHMMSSZ`.
std::string FormatSdkDate(long long unix_seconds);

// Builds the canonical request (the six-line form in docs/hss-api.md).
std::string CanonicalRequest(const SigningRequest& request);

// The `;`-joined, sorted, lower-case names of `request.headers`, e.g. "host;x-sdk-date".
std::string SignedHeaders(const SigningRequest& request);

// Builds `SDK-HMAC-SHA256\n<sdk_date>\n<hex sha256(canonical_request)>`.
std::string StringToSign(std::string_view canonical_request, std::string_view sdk_date);

// hex(HMAC-SHA256(key = secret_key, string_to_sign)), lower case.
std::string ComputeSignature(std::string_view secret_key, std::string_view string_to_sign);

// Signs `request` (which must carry X-Sdk-Date) and returns the Authorization
// header value: `SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<list>, Signature=<hex>`.
std::string AuthorizationHeader(const SigningRequest& request, std::string_view access_key,
                                std::string_view secret_key);

}  // namespace hss

#endif  // HSS_COMMON_AKSK_SIGNER_H_
