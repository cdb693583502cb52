#ifndef HSS_COMMON_PORT_ENUM_WORDS_H_
#define HSS_COMMON_PORT_ENUM_WORDS_H_

// The words HSS uses on the wire for the PortService enums, one table for the
// gateway (query parameters, response mapping) and the client (flags, table).

#include <optional>

#include "absl/strings/string_view.h"
#include "hss/ports/v1/ports.pb.h"

namespace hss {

// "TCP" or "UDP" (HSS spells them upper case); "" for any other value.
absl::string_view ProtocolWord(hss::ports::v1::Protocol protocol);

// "normal", "danger" or "unknown"; "" for any other value.
absl::string_view PortStatusWord(hss::ports::v1::PortStatus status);

// "host" or "container"; "" for any other value.
absl::string_view CategoryWord(hss::ports::v1::Category category);

// The protocol `word` names, ignoring case; nullopt for anything else
// (including "").
std::optional<hss::ports::v1::Protocol> ProtocolFromWord(absl::string_view word);

// The status `word` names, ignoring case; nullopt for anything else (including
// ""). The live API's misspelling "unknow" is the response mapper's to accept.
std::optional<hss::ports::v1::PortStatus> PortStatusFromWord(absl::string_view word);

// The category `word` names, ignoring case; nullopt for anything else
// (including "").
std::optional<hss::ports::v1::Category> CategoryFromWord(absl::string_view word);

}  // namespace hss

#endif  // HSS_COMMON_PORT_ENUM_WORDS_H_
