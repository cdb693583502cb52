// Fuzzes MapListPortsBody() (server/rest/port_json_mapper.h) with arbitrary
// upstream bodies.
//
// Input: the whole input is the body. Each body is mapped with a small
// `max_records` taken from its first byte (-1 to 10) and with 200.
// Invariants: no crash or sanitizer report; never more than max(0,
// max_records) ports; both overloads give the same result; a small page is a
// prefix of the large one; every mapped string is valid UTF-8 (the proto
// parses back) and numbers are in range.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "common/utf8.h"
#include "server/rest/port_json_mapper.h"

namespace {

using ::hss::gateway::MapListPortsBody;
using ::hss::gateway::MappedPage;

void Check(bool condition) {
  if (!condition) std::abort();
}

// Checks the documented ranges of one mapped page.
void CheckPage(const MappedPage& page, int max_records) {
  Check(page.response.data_list_size() <= std::max(0, max_records));
  Check(page.skipped_values >= 0 && page.dropped_records >= 0);
  Check(page.response.total_num() >= 0);
  Check(page.has_total_num || page.response.total_num() == 0);
  for (const auto& port : page.response.data_list()) {
    Check(port.port() >= 0 && port.port() <= 65535);
    Check(port.pid() >= 0);
    for (const std::string* text : {&port.host_id(), &port.laddr(), &port.path(), &port.agent_id(),
                                    &port.container_id(), &port.status_text()}) {
      Check(hss::IsValidUtf8(*text));
    }
  }
  hss::ports::v1::ListPortsResponse parsed;
  Check(parsed.ParseFromString(page.response.SerializeAsString()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  const int small = size == 0 ? 0 : data[0] % 12 - 1;
  constexpr int kLarge = 200;

  const absl::StatusOr<MappedPage> large = MapListPortsBody(body, kLarge);
  const absl::StatusOr<MappedPage> large_in_place = MapListPortsBody(std::string(body), kLarge);
  Check(large.ok() == large_in_place.ok());
  const absl::StatusOr<MappedPage> few = MapListPortsBody(body, small);
  Check(few.ok() == large.ok());
  if (!large.ok()) {
    Check(large.status().code() == absl::StatusCode::kInternal);
    return 0;
  }
  CheckPage(*large, kLarge);
  CheckPage(*few, small);
  Check(large->response.SerializeAsString() == large_in_place->response.SerializeAsString());
  Check(large->has_total_num == few->has_total_num);
  Check(large->response.total_num() == few->response.total_num());
  // The first rows do not depend on how many are kept.
  const int prefix = std::min(few->response.data_list_size(), large->response.data_list_size());
  for (int i = 0; i < prefix; ++i) {
    Check(few->response.data_list(i).SerializeAsString() ==
          large->response.data_list(i).SerializeAsString());
  }
  return 0;
}
