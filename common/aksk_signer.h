#ifndef HSS_COMMON_AKSK_SIGNER_H_
#define HSS_COMMON_AKSK_SIGNER_H_

// Huawei Cloud's AK/SK request signature "SDK-HMAC-SHA256" (docs/hss-api.md), for both the
// signing side (the gateway) and the verifying side (the simulator).
//
// Rules, checked against the official SDKs (see tests/vectors/ for the Node.js SDK generator):
// - Canonical URI: the *decoded* path is split on '/', each segment is PercentEncode'd, the
//   segments are joined with '/' and a '/' is appended unless the result already ends with one
//   ("" and "/" both give "/"; "/a" and "/a/" both give "/a/").
// - Canonical query: parameters sorted by decoded key, then decoded value (byte order), written
//   `PercentEncode(key)=PercentEncode(value)` joined by '&'; a repeated key gives one pair per
//   value.
// - Signed headers: exactly `SigningRequest::headers`, except names containing '_' (skipped, as
//   the Python/Go/Java SDKs do). Names are lower-cased (ASCII), values trimmed of leading and
//   trailing whitespace; lines sorted by name. Names must be unique case-insensitively.
// - Payload hash: hex(sha256(body)), unless a signed `X-Sdk-Content-Sha256` header is present, in
//   which case its value (e.g. "UNSIGNED-PAYLOAD") is used instead, as the SDKs do.

#include <optional>
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

// The header carrying the signing time, `YYYYMMDDTHHMMSSZ` (UTC).
inline constexpr std::string_view kSdkDateHeader = "X-Sdk-Date";

// A signed header whose value, when present, replaces the body hash in the canonical request.
inline constexpr std::string_view kSdkContentSha256Header = "X-Sdk-Content-Sha256";

// The X-Sdk-Content-Sha256 value the SDKs send for bodies they do not hash.
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// hex(sha256("")), the payload hash of an empty body.
inline constexpr std::string_view kEmptyBodySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Formats a UTC time (seconds since the Unix epoch) as X-Sdk-Date `YYYYMMDDTHHMMSSZ`. Meant for
// years 0000-9999; other years print with more digits or a sign.
std::string FormatSdkDate(long long unix_seconds);

// Parses an X-Sdk-Date value into seconds since the Unix epoch. Strict: exactly
// `YYYYMMDDTHHMMSSZ`, a real calendar date, hour < 24, minute < 60, second < 60; no
// whitespace, no other time zone. Returns nullopt otherwise.
std::optional<long long> ParseSdkDate(std::string_view sdk_date);

// Lower-case hex SHA-256 of `data`.
std::string HexSha256(std::string_view data);

// True if a header called `name` takes part in signing: non-empty and without '_'.
bool IsSignableHeaderName(std::string_view name);

// Returns the trimmed value of the first header of `request` named `name` (ASCII
// case-insensitive), or nullopt if there is none. The view points into `request.headers`.
std::optional<std::string_view> FindHeader(const SigningRequest& request, std::string_view name);

// The canonical URI of a decoded path, e.g. "/v5/my project/x" -> "/v5/my%20project/x/".
std::string CanonicalUri(std::string_view decoded_path);

// The canonical query string of decoded parameters (sorted, encoded, '&'-joined; "" if none).
std::string CanonicalQueryString(const std::vector<QueryParam>& query);

// The canonical headers block: `name:value\n` per signed header, sorted (ends with '\n').
std::string CanonicalHeaders(const SigningRequest& request);

// The `;`-joined, sorted, lower-case names of `request.headers`, e.g. "host;x-sdk-date".
// Names containing '_' are left out.
std::string SignedHeaders(const SigningRequest& request);

// Builds the canonical request (the six-line form in docs/hss-api.md):
// `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`.
std::string CanonicalRequest(const SigningRequest& request);

// Builds `SDK-HMAC-SHA256\n<sdk_date>\n<hex sha256(canonical_request)>`.
std::string StringToSign(std::string_view canonical_request, std::string_view sdk_date);

// hex(HMAC-SHA256(key = secret_key, string_to_sign)), lower case.
std::string ComputeSignature(std::string_view secret_key, std::string_view string_to_sign);

// Signs `request` (which must carry X-Sdk-Date; the date line is empty otherwise and the
// signature will not verify) and returns the Authorization header value:
// `SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<list>, Signature=<hex>`.
std::string AuthorizationHeader(const SigningRequest& request, std::string_view access_key,
                                std::string_view secret_key);

// The parts of a received `Authorization: SDK-HMAC-SHA256 ...` header.
struct ParsedAuthorization {
  // The `Access=` value (the AK).
  std::string access_key;
  // The `SignedHeaders=` names: non-empty, lower-case, strictly ascending (sorted, unique).
  std::vector<std::string> signed_headers;
  // The `Signature=` value: 64 lower-case hex digits.
  std::string signature;
};

// Parses `SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<a;b>, Signature=<hex>`. The three
// parameters must each appear exactly once (any order), separated by ',' and optional spaces;
// nothing else is accepted. Returns nullopt for anything malformed.
std::optional<ParsedAuthorization> ParseAuthorizationHeader(std::string_view value);

// Compares two strings in time independent of their contents (only of their lengths).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Verifies a received request against its parsed Authorization header. `received.headers` may
// hold every header received: only those listed in `authorization.signed_headers` are used.
// Returns false if x-sdk-date is not signed, a listed header is missing, present more than once
// or contains '_', or the signature differs (compared in constant time). A *signed*
// X-Sdk-Content-Sha256 header is honoured, so with UNSIGNED-PAYLOAD the body is not covered;
// reject such requests first if that matters. Checking the AK, the date's skew (ParseSdkDate) and
// replay is the caller's job.
bool VerifyAuthorization(const SigningRequest& received, const ParsedAuthorization& authorization,
                         std::string_view secret_key);

}  // namespace hss

#endif  // HSS_COMMON_AKSK_SIGNER_H_
