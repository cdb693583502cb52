#ifndef HSS_SERVER_REST_PORT_JSON_MAPPER_H_
#define HSS_SERVER_REST_PORT_JSON_MAPPER_H_

// Maps the JSON body of a successful HSS `GET /v5/{project_id}/asset/ports`
// answer onto a ListPortsResponse.
//
// The mapping is liberal: any field may be absent or null, unknown fields are
// ignored, and a value of the wrong JSON type or out of range is dropped (left
// at its proto3 default) and counted in MappedPage::skipped_values instead of
// failing the page. Only a body that is not a JSON object fails.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hss/ports/v1/ports.pb.h"

namespace hss::gateway {

// One mapped upstream page.
struct MappedPage {
  // The ports, in upstream order, and `total_num` when the body had one.
  hss::ports::v1::ListPortsResponse response;
  // True if the body held a valid `total_num`; false if it was absent, null or
  // invalid (`response.total_num()` is then 0, which a pager must not trust).
  bool has_total_num = false;
  // Number of values dropped: a `data_list` that is not an array, a record that
  // is not an object, and each field whose JSON type, range or UTF-8 encoding
  // is wrong. Nulls and absent fields are not counted.
  int skipped_values = 0;
};

// Parses `body` (the 200 answer) into a MappedPage.
//
// Fields of each `data_list` record: host_id, laddr, path, agent_id,
// container_id (strings, valid UTF-8); status (string, kept raw in
// `status_text` and decoded with ParsePortStatus()); type (string, "TCP" or
// "UDP" in any case, otherwise PROTOCOL_UNSPECIFIED); port (integer 0-65535);
// pid (integer 0-2147483647). `total_num` must be a non-negative 32-bit integer.
//
// Returns INTERNAL with ErrorInfo reason "UPSTREAM_MALFORMED_RESPONSE" when
// `body` is not JSON (the message names the parse error and its byte offset,
// never the body) or its top-level value is not an object.
absl::StatusOr<MappedPage> MapListPortsBody(absl::string_view body);

// As above, parsing in place in `body` (no copy): the hot path for bodies the
// caller owns.
absl::StatusOr<MappedPage> MapListPortsBody(std::string body);

// Decodes an upstream port status: "normal", "danger", "unknown" or "unknow"
// (the live API's spelling), in any ASCII case. Anything else, including values
// a future HSS may add, yields PORT_STATUS_UNSPECIFIED.
hss::ports::v1::PortStatus ParsePortStatus(absl::string_view text);

}  // namespace hss::gateway

#endif  // HSS_SERVER_REST_PORT_JSON_MAPPER_H_
