#include "server/authz/xfcc.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hss::gateway {
namespace {

// One key=value pair of an XFCC element.
struct Pair {
  std::string key;
  std::string value;
};

// Splits `header` into elements (',' outside quotes) of pairs (';' outside
// quotes), unquoting values.
std::vector<std::vector<Pair>> ParseElements(absl::string_view header) {
  std::vector<std::vector<Pair>> elements(1);
  Pair pair;
  bool in_value = false;
  bool quoted = false;
  auto end_pair = [&] {
    pair.key = std::string(absl::StripAsciiWhitespace(pair.key));
    if (!pair.key.empty()) elements.back().push_back(std::move(pair));
    pair = Pair();
    in_value = false;
  };
  for (std::size_t i = 0; i < header.size(); ++i) {
    const char c = header[i];
    if (quoted) {
      if (c == '\\' && i + 1 < header.size()) {
        pair.value.push_back(header[++i]);
      } else if (c == '"') {
        quoted = false;
      } else {
        pair.value.push_back(c);
      }
    } else if (c == '"' && in_value) {
      quoted = true;
    } else if (c == ';') {
      end_pair();
    } else if (c == ',') {
      end_pair();
      elements.emplace_back();
    } else if (c == '=' && !in_value) {
      in_value = true;
    } else if (in_value) {
      pair.value.push_back(c);
    } else {
      pair.key.push_back(c);
    }
  }
  end_pair();
  return elements;
}

// The CN of a distinguished name such as "CN=a,OU=b" or "/CN=a/O=b"; empty if none.
std::string CommonName(absl::string_view subject) {
  std::size_t start = 0;
  while (start < subject.size()) {
    std::size_t end = subject.find_first_of(",/", start);
    if (end == absl::string_view::npos) end = subject.size();
    absl::string_view part = absl::StripAsciiWhitespace(subject.substr(start, end - start));
    if (absl::StartsWithIgnoreCase(part, "CN=")) return std::string(part.substr(3));
    start = end + 1;
  }
  return "";
}

}  // namespace

std::vector<std::string> IdentitiesFromXfcc(absl::string_view header) {
  std::vector<std::vector<Pair>> elements = ParseElements(header);
  std::vector<std::string> uris, dns, cns;
  for (const Pair& pair : elements.back()) {
    if (pair.value.empty()) continue;
    if (absl::EqualsIgnoreCase(pair.key, "URI")) {
      uris.push_back(pair.value);
    } else if (absl::EqualsIgnoreCase(pair.key, "DNS")) {
      dns.push_back(absl::StrCat("dns:", pair.value));
    } else if (absl::EqualsIgnoreCase(pair.key, "Subject")) {
      if (std::string cn = CommonName(pair.value); !cn.empty()) {
        cns.push_back(absl::StrCat("cn:", cn));
      }
    }
  }
  std::vector<std::string> identities = std::move(uris);
  identities.insert(identities.end(), dns.begin(), dns.end());
  identities.insert(identities.end(), cns.begin(), cns.end());
  return identities;
}

}  // namespace hss::gateway
