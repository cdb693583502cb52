#ifndef HSS_SERVER_REST_UPSTREAM_QUERY_H_
#define HSS_SERVER_REST_UPSTREAM_QUERY_H_

// Turns a ListPorts request into the upstream HSS request target
// `GET /v5/{project_id}/asset/ports?...`, and converts the proto enums into the
// strings HSS uses.
//
// Every caller-supplied value is percent-encoded with hss::PercentEncode (all
// bytes but `A-Z a-z 0-9 - _ . ~`), so no value can add a path segment, a query
// parameter, a fragment or a header line. The query is kept decoded in
// UpstreamTarget so that the AK/SK signer can canonicalize exactly what is sent.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/uri_encoding.h"
#include "hss/ports/v1/ports.pb.h"

namespace hss::gateway {

// The path and query of one upstream request.
struct UpstreamTarget {
  // The percent-encoded path, e.g. "/v5/abc/asset/ports".
  std::string path;
  // The decoded query parameters, in the order they are sent.
  std::vector<hss::QueryParam> query;
};

// Returns the upstream string of a protocol filter: "TCP" or "UDP"; empty for
// PROTOCOL_UNSPECIFIED and for values this version does not know.
absl::string_view ProtocolToUpstream(hss::ports::v1::Protocol protocol);

// Returns the upstream string of a status filter: "normal", "danger" or
// "unknown"; empty for PORT_STATUS_UNSPECIFIED and unknown values.
absl::string_view StatusToUpstream(hss::ports::v1::PortStatus status);

// Returns the upstream string of a category: "host" or "container"; empty for
// CATEGORY_UNSPECIFIED and unknown values.
absl::string_view CategoryToUpstream(hss::ports::v1::Category category);

// Returns the upstream target for one page of `request` in project `project_id`
// (the effective project: the request's or the gateway's default; the
// request's own `project_id` field is ignored).
//
// Path: "/v5/" + PercentEncode(project_id) + "/asset/ports". A project id that
// is exactly "." or ".." is written as "%2E" / "%2E%2E" so that it can never be
// read as a dot segment (the request validator rejects both anyway).
//
// Query, in this fixed order, each only when set: host_id (always sent),
// host_name (non-empty), host_ip (non-empty), port (has_port), type ("TCP" /
// "UDP"), status ("normal" / "danger" / "unknown"), enterprise_project_id
// (non-empty), category ("host" / "container"), limit (> 0), offset (> 0).
// UNSPECIFIED or unknown enum values are not sent.
//
// Expects a request accepted by ValidateListPortsRequest(); it never fails.
UpstreamTarget ListPortsTarget(absl::string_view project_id,
                               const hss::ports::v1::ListPortsRequest& request);

// Returns the absolute URL of `target` on `endpoint`: the endpoint without its
// trailing '/' (an endpoint path prefix such as "http://127.0.0.1:8080/base/"
// is kept), then `target.path`, then "?" + EncodeQuery(target.query) when the
// query is not empty. `endpoint` is trusted configuration: it is not encoded.
std::string BuildUrl(absl::string_view endpoint, const UpstreamTarget& target);

}  // namespace hss::gateway

#endif  // HSS_SERVER_REST_UPSTREAM_QUERY_H_
