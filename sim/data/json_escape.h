#ifndef HSS_SIM_DATA_JSON_ESCAPE_H_
#define HSS_SIM_DATA_JSON_ESCAPE_H_

#include <string>
#include <string_view>

namespace hss::sim {

// Appends `value` to `out` as a JSON string literal (with the quotes). `"` and `\` are escaped,
// control bytes < 0x20 become \b \f \n \r \t or \u00XX, well-formed UTF-8 passes through
// unchanged, and each byte of an ill-formed UTF-8 sequence becomes \ufffd, so the output is
// always valid JSON.
void AppendJsonString(std::string_view value, std::string& out);

// Returns `value` as a JSON string literal (see AppendJsonString).
std::string JsonString(std::string_view value);

}  // namespace hss::sim

#endif  // HSS_SIM_DATA_JSON_ESCAPE_H_
