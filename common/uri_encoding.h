#ifndef HSS_COMMON_URI_ENCODING_H_
#define HSS_COMMON_URI_ENCODING_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hss {

// A decoded query parameter, in the order it appears.
using QueryParam = std::pair<std::string, std::string>;

// Percent-encodes every byte of `value` except the RFC 3986 unreserved
// characters `A-Z a-z 0-9 - _ . ~`, as uppercase `%XX`. This is the encoding of
// Huawei's SDK-HMAC-SHA256 canonical form, so a value encoded once can be both
// sent and signed. Never leaves `/ ? # & = %`, space, CR, LF or NUL unescaped.
std::string PercentEncode(std::string_view value);

// Decodes `%XX` escapes (and, when `plus_is_space`, `+` as a space). Returns
// nullopt for a malformed escape such as `%4` or `%G1`.
std::optional<std::string> PercentDecode(std::string_view value, bool plus_is_space = false);

// Encodes `params` as `k1=v1&k2=v2` in the given order, both sides with
// PercentEncode.
std::string EncodeQuery(const std::vector<QueryParam>& params);

// Splits a raw query string (without the leading `?`) into decoded parameters.
// `+` decodes as a space. Returns nullopt if any escape is malformed.
std::optional<std::vector<QueryParam>> ParseQuery(std::string_view query);

}  // namespace hss

#endif  // HSS_COMMON_URI_ENCODING_H_
