#include "common/port_enum_words.h"

#include <utility>

#include "absl/strings/match.h"

namespace hss {
namespace {

using ::hss::ports::v1::Category;
using ::hss::ports::v1::PortStatus;
using ::hss::ports::v1::Protocol;

template <typename Enum>
using WordTable = std::pair<Enum, absl::string_view>;

constexpr WordTable<Protocol> kProtocols[] = {
    {hss::ports::v1::PROTOCOL_TCP, "TCP"},
    {hss::ports::v1::PROTOCOL_UDP, "UDP"},
};
constexpr WordTable<PortStatus> kStatuses[] = {
    {hss::ports::v1::PORT_STATUS_NORMAL, "normal"},
    {hss::ports::v1::PORT_STATUS_DANGER, "danger"},
    {hss::ports::v1::PORT_STATUS_UNKNOWN, "unknown"},
};
constexpr WordTable<Category> kCategories[] = {
    {hss::ports::v1::CATEGORY_HOST, "host"},
    {hss::ports::v1::CATEGORY_CONTAINER, "container"},
};

// The first word of `value` in `table`, or "".
template <typename Enum, std::size_t N>
absl::string_view WordOf(const WordTable<Enum> (&table)[N], Enum value) {
  for (const auto& [e, word] : table) {
    if (e == value) return word;
  }
  return "";
}

template <typename Enum, std::size_t N>
std::optional<Enum> ValueOf(const WordTable<Enum> (&table)[N], absl::string_view word) {
  for (const auto& [e, w] : table) {
    if (absl::EqualsIgnoreCase(w, word)) return e;
  }
  return std::nullopt;
}

}  // namespace

absl::string_view ProtocolWord(Protocol protocol) { return WordOf(kProtocols, protocol); }
absl::string_view PortStatusWord(PortStatus status) { return WordOf(kStatuses, status); }
absl::string_view CategoryWord(Category category) { return WordOf(kCategories, category); }

std::optional<Protocol> ProtocolFromWord(absl::string_view word) {
  return ValueOf(kProtocols, word);
}
std::optional<PortStatus> PortStatusFromWord(absl::string_view word) {
  return ValueOf(kStatuses, word);
}
std::optional<Category> CategoryFromWord(absl::string_view word) {
  return ValueOf(kCategories, word);
}

}  // namespace hss
