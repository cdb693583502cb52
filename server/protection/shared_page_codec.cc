#include "server/protection/shared_page_codec.h"

#include <cstddef>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hss::gateway {
namespace {

// Version 1: a line each for the magic, has_total_num, skipped_values,
// http_status and the request id's length; then the request id and the
// serialized response.
constexpr absl::string_view kMagic = "hss-page/1";

absl::Status NotAPage(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("not a shared page entry: ", why));
}

}  // namespace

std::string EncodeSharedPage(const PortsPage& page) {
  std::string out =
      absl::StrCat(kMagic, "\n", page.has_total_num ? 1 : 0, "\n", page.skipped_values, "\n",
                   page.http_status, "\n", page.request_id.size(), "\n", page.request_id);
  page.response.AppendToString(&out);
  return out;
}

absl::StatusOr<PortsPage> DecodeSharedPage(absl::string_view bytes) {
  std::vector<absl::string_view> header = absl::StrSplit(bytes, absl::MaxSplits('\n', 5));
  if (header.size() != 6) return NotAPage("too short");
  if (header[0] != kMagic) return NotAPage("another format or version");
  PortsPage page;
  int has_total = 0;
  std::size_t id_size = 0;
  if (!absl::SimpleAtoi(header[1], &has_total) || (has_total != 0 && has_total != 1) ||
      !absl::SimpleAtoi(header[2], &page.skipped_values) ||
      !absl::SimpleAtoi(header[3], &page.http_status) || !absl::SimpleAtoi(header[4], &id_size)) {
    return NotAPage("a damaged header");
  }
  const absl::string_view rest = header[5];
  if (id_size > rest.size()) return NotAPage("a truncated request id");
  page.has_total_num = has_total == 1;
  page.request_id = std::string(rest.substr(0, id_size));
  const absl::string_view message = rest.substr(id_size);
  if (!page.response.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
    return NotAPage("a damaged response message");
  }
  return page;
}

}  // namespace hss::gateway
