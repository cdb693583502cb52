#include "common/aksk_signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace hss {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n\v\f";

std::string_view Trim(std::string_view s) {
  auto first = s.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(kWhitespace);
  return s.substr(first, last - first + 1);
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string Hex(const unsigned char* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0F]);
  }
  return out;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long DaysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// The date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
std::tuple<long long, unsigned, unsigned> CivilFromDays(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = static_cast<long long>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return {y, m, d};
}

bool IsLeapYear(long long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(long long y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Parses exactly `digits.size()` decimal digits; nullopt if any is not a digit.
std::optional<unsigned> ParseDigits(std::string_view digits) {
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

// A signed header as it appears in the canonical form.
struct CanonicalHeader {
  std::string name;        // lower case
  std::string_view value;  // trimmed
};

// The signable headers of `request`, lower-cased, trimmed and sorted by name (then value).
std::vector<CanonicalHeader> SortedSignedHeaders(const SigningRequest& request) {
  std::vector<CanonicalHeader> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) {
    if (!IsSignableHeaderName(name)) continue;
    headers.push_back({AsciiLower(name), Trim(value)});
  }
  std::sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) {
    return std::tie(a.name, a.value) < std::tie(b.name, b.value);
  });
  return headers;
}

std::string JoinNames(const std::vector<CanonicalHeader>& headers) {
  std::string out;
  for (const auto& header : headers) {
    if (!out.empty()) out.push_back(';');
    out += header.name;
  }
  return out;
}

// Characters allowed in a header name of SignedHeaders (RFC 9110 tchar, lower case only).
bool IsLowerTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  while (true) {
    auto pos = s.find(sep);
    parts.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) break;
    s.remove_prefix(pos + 1);
  }
  return parts;
}

std::optional<std::vector<std::string>> ParseSignedHeaderList(std::string_view list) {
  std::vector<std::string> names;
  for (std::string_view name : Split(list, ';')) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsLowerTokenChar)) {
      return std::nullopt;
    }
    if (!names.empty() && !(names.back() < name)) return std::nullopt;
    names.emplace_back(name);
  }
  return names;
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsAccessKey(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c > ' ' && c < 0x7F && c != ',' && c != ';';
  });
}

}  // namespace

std::string FormatSdkDate(long long unix_seconds) {
  long long days = unix_seconds / 86400;
  long long secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  const auto [y, m, d] = CivilFromDays(days);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04lld%02u%02uT%02lld%02lld%02lldZ", y, m, d, secs / 3600,
                secs / 60 % 60, secs % 60);
  return buf;
}

std::optional<long long> ParseSdkDate(std::string_view sdk_date) {
  if (sdk_date.size() != 16 || sdk_date[8] != 'T' || sdk_date[15] != 'Z') return std::nullopt;
  auto year = ParseDigits(sdk_date.substr(0, 4));
  auto month = ParseDigits(sdk_date.substr(4, 2));
  auto day = ParseDigits(sdk_date.substr(6, 2));
  auto hour = ParseDigits(sdk_date.substr(9, 2));
  auto minute = ParseDigits(sdk_date.substr(11, 2));
  auto second = ParseDigits(sdk_date.substr(13, 2));
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month)) {
    return std::nullopt;
  }
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  return DaysFromCivil(*year, *month, *day) * 86400 + *hour * 3600LL + *minute * 60LL + *second;
}

std::string HexSha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  return Hex(digest, size);
}

bool IsSignableHeaderName(std::string_view name) {
  return !name.empty() && name.find('_') == std::string_view::npos;
}

std::optional<std::string_view> FindHeader(const SigningRequest& request, std::string_view name) {
  for (const auto& [header_name, value] : request.headers) {
    if (EqualsIgnoreCase(header_name, name)) return Trim(value);
  }
  return std::nullopt;
}

std::string CanonicalUri(std::string_view decoded_path) {
  std::string out;
  out.reserve(decoded_path.size() + 1);
  bool first = true;
  for (std::string_view segment : Split(decoded_path, '/')) {
    if (!first) out.push_back('/');
    first = false;
    out += PercentEncode(segment);
  }
  if (out.empty() || out.back() != '/') out.push_back('/');
  return out;
}

std::string CanonicalQueryString(const std::vector<QueryParam>& query) {
  std::vector<const QueryParam*> sorted;
  sorted.reserve(query.size());
  for (const auto& param : query) sorted.push_back(&param);
  // std::string compares bytes as unsigned char, i.e. UTF-8 in code point order.
  std::sort(sorted.begin(), sorted.end(),
            [](const QueryParam* a, const QueryParam* b) { return *a < *b; });
  std::string out;
  for (const QueryParam* param : sorted) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(param->first);
    out.push_back('=');
    out += PercentEncode(param->second);
  }
  return out;
}

std::string CanonicalHeaders(const SigningRequest& request) {
  std::string out;
  for (const auto& header : SortedSignedHeaders(request)) {
    out += header.name;
    out.push_back(':');
    out += header.value;
    out.push_back('\n');
  }
  return out;
}

std::string SignedHeaders(const SigningRequest& request) {
  return JoinNames(SortedSignedHeaders(request));
}

std::string CanonicalRequest(const SigningRequest& request) {
  const std::vector<CanonicalHeader> headers = SortedSignedHeaders(request);
  std::string payload_hash;
  for (const auto& header : headers) {
    if (EqualsIgnoreCase(header.name, kSdkContentSha256Header)) {
      payload_hash = header.value;
      break;
    }
  }
  if (payload_hash.empty()) payload_hash = HexSha256(request.body);

  std::string out = request.method;
  out.push_back('\n');
  out += CanonicalUri(request.path);
  out.push_back('\n');
  out += CanonicalQueryString(request.query);
  out.push_back('\n');
  for (const auto& header : headers) {
    out += header.name;
    out.push_back(':');
    out += header.value;
    out.push_back('\n');
  }
  out.push_back('\n');
  out += JoinNames(headers);
  out.push_back('\n');
  out += payload_hash;
  return out;
}

std::string StringToSign(std::string_view canonical_request, std::string_view sdk_date) {
  std::string out(kSdkHmacSha256);
  out.push_back('\n');
  out += sdk_date;
  out.push_back('\n');
  out += HexSha256(canonical_request);
  return out;
}

std::string ComputeSignature(std::string_view secret_key, std::string_view string_to_sign) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // HMAC() wants a non-null key pointer even for an empty key.
  static constexpr char kEmpty[1] = {};
  const void* key = secret_key.empty() ? kEmpty : secret_key.data();
  if (HMAC(EVP_sha256(), key, static_cast<int>(secret_key.size()),
           reinterpret_cast<const unsigned char*>(string_to_sign.data()), string_to_sign.size(),
           mac, &size) == nullptr) {
    return {};
  }
  return Hex(mac, size);
}

std::string AuthorizationHeader(const SigningRequest& request, std::string_view access_key,
                                std::string_view secret_key) {
  const std::string_view sdk_date = FindHeader(request, kSdkDateHeader).value_or("");
  const std::string signature =
      ComputeSignature(secret_key, StringToSign(CanonicalRequest(request), sdk_date));
  std::string out(kSdkHmacSha256);
  out += " Access=";
  out += access_key;
  out += ", SignedHeaders=";
  out += SignedHeaders(request);
  out += ", Signature=";
  out += signature;
  return out;
}

std::optional<ParsedAuthorization> ParseAuthorizationHeader(std::string_view value) {
  value = Trim(value);
  if (value.substr(0, kSdkHmacSha256.size()) != kSdkHmacSha256) return std::nullopt;
  value.remove_prefix(kSdkHmacSha256.size());
  if (value.empty() || value.front() != ' ') return std::nullopt;
  value = Trim(value);

  ParsedAuthorization parsed;
  bool has_access = false;
  bool has_signed_headers = false;
  bool has_signature = false;
  for (std::string_view part : Split(value, ',')) {
    part = Trim(part);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = part.substr(0, eq);
    std::string_view val = part.substr(eq + 1);
    if (key == "Access") {
      if (has_access || !IsAccessKey(val)) return std::nullopt;
      parsed.access_key = val;
      has_access = true;
    } else if (key == "SignedHeaders") {
      if (has_signed_headers) return std::nullopt;
      auto names = ParseSignedHeaderList(val);
      if (!names) return std::nullopt;
      parsed.signed_headers = *std::move(names);
      has_signed_headers = true;
    } else if (key == "Signature") {
      if (has_signature || !IsLowerHex64(val)) return std::nullopt;
      parsed.signature = val;
      has_signature = true;
    } else {
      return std::nullopt;
    }
  }
  if (!has_access || !has_signed_headers || !has_signature) return std::nullopt;
  return parsed;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool VerifyAuthorization(const SigningRequest& received, const ParsedAuthorization& authorization,
                         std::string_view secret_key) {
  SigningRequest signed_request;
  signed_request.method = received.method;
  signed_request.path = received.path;
  signed_request.query = received.query;
  signed_request.body = received.body;
  bool has_date = false;
  for (const std::string& name : authorization.signed_headers) {
    if (!IsSignableHeaderName(name)) return false;
    const std::string* value = nullptr;
    for (const auto& [header_name, header_value] : received.headers) {
      if (!EqualsIgnoreCase(header_name, name)) continue;
      if (value != nullptr) return false;  // ambiguous: sent more than once
      value = &header_value;
    }
    if (value == nullptr) return false;
    signed_request.headers.emplace_back(name, *value);
    if (EqualsIgnoreCase(name, kSdkDateHeader)) has_date = true;
  }
  if (!has_date) return false;

  std::string expected_names;
  for (const std::string& name : authorization.signed_headers) {
    if (!expected_names.empty()) expected_names.push_back(';');
    expected_names += name;
  }
  if (SignedHeaders(signed_request) != expected_names) return false;

  const std::string_view sdk_date = FindHeader(signed_request, kSdkDateHeader).value_or("");
  const std::string signature =
      ComputeSignature(secret_key, StringToSign(CanonicalRequest(signed_request), sdk_date));
  return ConstantTimeEquals(signature, authorization.signature);
}

}  // namespace hss
