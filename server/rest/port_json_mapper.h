#ifndef HSS_SERVER_REST_PORT_JSON_MAPPER_H_
#define HSS_SERVER_REST_PORT_JSON_MAPPER_H_

// Maps the JSON body of a successful HSS `GET /v5/{project_id}/asset/ports`
// answer onto a ListPortsResponse.
//
// The mapping is liberal: any field may be absent or null, unknown fields are
// ignored, and a value of the wrong JSON type or out of range is dropped (left
// at its proto3 default) and counted in MappedPage::skipped_values instead of
// failing the page. Only a body that is not a JSON object, or that nests
// deeper than kMaxJsonDepth, fails.
//
// Memory is bounded by what the caller can receive, not by what the upstream
// sends: the body is read as a stream of SAX events (iteratively, so nesting
// never recurses) straight into the proto, no DOM is built, and at most
// `max_records` Port messages are. A page with more rows than the request's
// `limit` is accepted: its first `limit` rows are mapped and the rest are
// dropped unbuilt and counted in MappedPage::dropped_records. HSS pages by row
// offset, so a walk that goes on from offset + limit neither skips nor repeats
// a row whatever the upstream over-delivered.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/runtime/error_reasons.h"

namespace hss::gateway {

// The deepest nesting of arrays and objects accepted in a body (the top-level
// object is level 1; a record is level 3). HSS answers nest 3 levels deep.
inline constexpr int kMaxJsonDepth = 64;

// The page size HSS uses when a request sends no `limit`.
inline constexpr int kUpstreamDefaultLimit = 10;

// Returns the most records a page of a request with `limit` may hold: `limit`,
// or kUpstreamDefaultLimit when `limit` is 0 or less (no limit sent).
constexpr int MaxRecordsForLimit(int limit) { return limit > 0 ? limit : kUpstreamDefaultLimit; }

// One mapped upstream page.
struct MappedPage {
  // The ports, in upstream order, and `total_num` when the body had one.
  hss::ports::v1::ListPortsResponse response;
  // True if the body held a valid `total_num`; false if it was absent, null or
  // invalid (`response.total_num()` is then 0, which a pager must not trust).
  bool has_total_num = false;
  // Number of values dropped: a `data_list` that is not an array, a record that
  // is not an object, and each field whose JSON type, range or UTF-8 encoding
  // is wrong, in the records that were mapped. Nulls and absent fields are not
  // counted, nor are the fields of dropped records (see dropped_records).
  int skipped_values = 0;
  // Number of `data_list` records (objects) past the first `max_records`:
  // skipped unread (their fields are neither mapped nor checked) and not in
  // `response`. Non-zero means the upstream sent more rows than were asked
  // for. When `data_list` repeats, only the last one's drops are counted.
  int dropped_records = 0;
};

// Parses `body` (the 200 answer) into a MappedPage holding at most
// `max_records` ports (the request's limit, see MaxRecordsForLimit(); values
// below 0 count as 0): the first `max_records` objects of `data_list`, in
// upstream order.
//
// Fields of each `data_list` record: host_id, laddr, path, agent_id,
// container_id (strings, valid UTF-8); status (string, kept raw in
// `status_text` and decoded with ParsePortStatus()); type (string, "TCP" or
// "UDP" in any case, otherwise PROTOCOL_UNSPECIFIED); port (integer 0-65535);
// pid (integer 0-2147483647). `total_num` must be a non-negative 32-bit integer.
//
// Returns INTERNAL with ErrorInfo reason kReasonUpstreamMalformedResponse when
// `body` is not JSON (the message names the parse error and its byte offset,
// never the body), nests deeper than kMaxJsonDepth, or its top-level value is
// not an object.
absl::StatusOr<MappedPage> MapListPortsBody(absl::string_view body, int max_records);

// As above, parsing in place in `body` (no copy): the hot path for bodies the
// caller owns.
absl::StatusOr<MappedPage> MapListPortsBody(std::string body, int max_records);

// Decodes an upstream port status: "normal", "danger", "unknown" or "unknow"
// (the live API's spelling), in any ASCII case. Anything else, including values
// a future HSS may add, yields PORT_STATUS_UNSPECIFIED.
hss::ports::v1::PortStatus ParsePortStatus(absl::string_view text);

}  // namespace hss::gateway

#endif  // HSS_SERVER_REST_PORT_JSON_MAPPER_H_
