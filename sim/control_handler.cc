#include "sim/control_handler.h"

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/uri_encoding.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "sim/data/absl_view.h"
#include "sim/data/json_escape.h"
#include "sim/error_body.h"
#include "sim/sim_service.h"

namespace hss::sim {
namespace {

using rapidjson::Value;

SimHttpResponse Json(int status, std::string body) {
  SimHttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

SimHttpResponse ControlError(int status, std::string_view code, std::string_view message) {
  return Json(status, ErrorBody(BodyShape::kErrorCode, code, message, ""));
}

SimHttpResponse BadRequest(const absl::Status& status) {
  return ControlError(400, "SIM.0400", std::string(status.message()));
}

absl::StatusOr<rapidjson::Document> ParseJson(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON at offset ", doc.GetErrorOffset(),
                                                   ": ", GetParseError_En(doc.GetParseError())));
  }
  return doc;
}

absl::Status NotAllowed(std::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat("unknown field '", AbslView(field), "'"));
}

absl::StatusOr<HostSize> ParseHostSize(const Value& v) {
  if (!v.IsObject()) return absl::InvalidArgumentError("a host size must be a JSON object");
  HostSize size;
  bool have_id = false, have_count = false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    const Value& f = it->value;
    if (name == "host_id") {
      if (!f.IsString() || f.GetStringLength() == 0) {
        return absl::InvalidArgumentError("'host_id' must be a non-empty string");
      }
      size.host_id.assign(f.GetString(), f.GetStringLength());
      have_id = true;
    } else if (name == "count") {
      if (!f.IsUint64()) return absl::InvalidArgumentError("'count' must be an integer >= 0");
      size.count = f.GetUint64();
      have_count = true;
    } else if (name == "category") {
      const std::optional<Category> category =
          f.IsString() ? ParseCategory(std::string_view(f.GetString(), f.GetStringLength()))
                       : std::nullopt;
      if (!category) return absl::InvalidArgumentError("'category' must be host or container");
      size.category = *category;
    } else {
      return NotAllowed(name);
    }
  }
  if (!have_id || !have_count) return absl::InvalidArgumentError("need 'host_id' and 'count'");
  return size;
}

std::string HostsJson(const std::vector<HostSize>& sizes) {
  std::string out = "[";
  for (const HostSize& size : sizes) {
    if (out.size() > 1) out.push_back(',');
    out += "{\"host_id\":";
    AppendJsonString(size.host_id, out);
    absl::StrAppend(&out, ",\"category\":\"", AbslView(CategoryName(size.category)),
                    "\",\"count\":", size.count, "}");
  }
  out.push_back(']');
  return out;
}

std::string QuotaJson(const QuotaConfig& quota) {
  return absl::StrCat("{\"per_window\":", quota.per_window, ",\"window_ms\":", quota.window_ms,
                      "}");
}

SimHttpResponse PostHosts(SimService& service, const std::string& body) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return BadRequest(doc.status());
  std::vector<HostSize> sizes;
  if (doc->IsArray()) {
    for (const Value& v : doc->GetArray()) {
      absl::StatusOr<HostSize> size = ParseHostSize(v);
      if (!size.ok()) return BadRequest(size.status());
      sizes.push_back(*std::move(size));
    }
  } else {
    absl::StatusOr<HostSize> size = ParseHostSize(*doc);
    if (!size.ok()) return BadRequest(size.status());
    sizes.push_back(*std::move(size));
  }
  for (const HostSize& size : sizes) service.hosts().Set(size);
  return Json(200, absl::StrCat("{\"hosts\":", HostsJson(sizes), "}"));
}

SimHttpResponse PostQuota(SimService& service, const std::string& body) {
  absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
  if (!doc.ok()) return BadRequest(doc.status());
  if (!doc->IsObject()) return BadRequest(absl::InvalidArgumentError("want a JSON object"));
  QuotaConfig quota;
  for (auto it = doc->MemberBegin(); it != doc->MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name != "per_window" && name != "window_ms") return BadRequest(NotAllowed(name));
    if (!it->value.IsInt64() || it->value.GetInt64() < 0) {
      return BadRequest(absl::InvalidArgumentError(
          absl::StrCat("'", AbslView(name), "' must be an integer >= 0")));
    }
    (name == "per_window" ? quota.per_window : quota.window_ms) = it->value.GetInt64();
  }
  service.quota().Configure(quota);
  return Json(200, QuotaJson(quota));
}

SimHttpResponse Info(SimService& service) {
  const SimConfig& c = service.config();
  std::string out =
      absl::StrCat("{\"seed\":", c.seed, ",\"auth\":\"", AbslView(AuthModeName(c.auth.mode)), "\"");
  if (!c.auth.access_key.empty()) {
    out += ",\"access_key\":";
    AppendJsonString(c.auth.access_key, out);
  }
  absl::StrAppend(
      &out, ",\"default_ports\":", c.default_ports ? std::to_string(*c.default_ports) : "null",
      ",\"min_limit\":", c.limits.min_limit, ",\"max_limit\":", c.limits.max_limit,
      ",\"max_offset\":", c.limits.max_offset, ",\"latency_ms\":", c.latency_ms,
      ",\"request_log_max\":", c.request_log_max,
      ",\"quota\":", QuotaJson(service.quota().config()),
      ",\"aksk_lockout\":{\"max_failures\":", c.aksk_lockout.max_failures,
      ",\"lock_ms\":", c.aksk_lockout.lock_ms, "},\"iam\":{\"users\":[");
  for (size_t i = 0; i < c.iam.users.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(absl::StrCat(c.iam.users[i].name, "@", c.iam.users[i].domain), out);
  }
  out += "],\"projects\":[";
  for (size_t i = 0; i < c.iam.projects.size(); ++i) {
    out += i > 0 ? ",{\"name\":" : "{\"name\":";
    AppendJsonString(c.iam.projects[i].name, out);
    out += ",\"id\":";
    AppendJsonString(c.iam.projects[i].id, out);
    out += "}";
  }
  absl::StrAppend(&out, "],\"token_lifetime_ms\":", c.iam.token_lifetime_ms,
                  ",\"latency_ms\":", c.iam.latency_ms, "}}");
  return Json(200, std::move(out));
}

SimHttpResponse IamTokens(SimService& service, const std::string& method,
                          std::string_view raw_path) {
  const int64_t now_ms = service.clock().wall_ms();
  if (raw_path == "/_sim/iam/tokens") {
    if (method == "GET") {
      return Json(200, absl::StrCat("{\"tokens\":", service.iam_tokens().size(),
                                    ",\"valid\":", service.iam_tokens().valid(now_ms), "}"));
    }
    if (method == "DELETE") {
      service.iam_tokens().Clear();
      return Json(200, "{\"revoked\":true}");
    }
  } else if (method == "POST") {  // /_sim/iam/tokens/expire
    return Json(200, absl::StrCat("{\"expired\":", service.iam_tokens().ExpireAll(now_ms), "}"));
  }
  return ControlError(405, "SIM.0405",
                      absl::StrCat("method ", method, " not allowed on ", AbslView(raw_path)));
}

// One entry of POST /_sim/hosts/{host_id}/changes.
struct PortChangeOp {
  enum Kind { kOpen, kClose, kModify } kind = kOpen;
  // The generated record addressed by "index", if given.
  std::optional<uint64_t> index;
  // Identity fields (close/modify without index) or the new record's fields (open).
  PortRecord fields;
  // Which of pid/path/status/agent_id/laddr/container_id the entry named.
  bool has_pid = false, has_path = false, has_status = false, has_agent_id = false;
  bool has_laddr = false, has_container_id = false, has_port = false, has_type = false;
};

absl::StatusOr<std::optional<std::string>> OptionalString(const Value& f, std::string_view name) {
  if (f.IsNull()) return std::optional<std::string>();
  if (!f.IsString()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", AbslView(name), "' must be a string or null"));
  }
  return std::optional<std::string>(std::string(f.GetString(), f.GetStringLength()));
}

absl::StatusOr<PortChangeOp> ParsePortChange(const Value& v) {
  if (!v.IsObject()) return absl::InvalidArgumentError("a change must be a JSON object");
  PortChangeOp op;
  bool have_op = false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    const Value& f = it->value;
    if (name == "op") {
      const std::string_view word =
          f.IsString() ? std::string_view(f.GetString(), f.GetStringLength()) : "";
      if (word == "open") {
        op.kind = PortChangeOp::kOpen;
      } else if (word == "close") {
        op.kind = PortChangeOp::kClose;
      } else if (word == "modify") {
        op.kind = PortChangeOp::kModify;
      } else {
        return absl::InvalidArgumentError("'op' must be open, close or modify");
      }
      have_op = true;
    } else if (name == "index") {
      if (!f.IsUint64()) return absl::InvalidArgumentError("'index' must be an integer >= 0");
      op.index = f.GetUint64();
    } else if (name == "port") {
      if (!f.IsInt() || f.GetInt() < 1 || f.GetInt() > 65535) {
        return absl::InvalidArgumentError("'port' must be an integer 1-65535");
      }
      op.fields.port = f.GetInt();
      op.has_port = true;
    } else if (name == "type") {
      if (!f.IsString()) return absl::InvalidArgumentError("'type' must be TCP or UDP");
      op.fields.type.assign(f.GetString(), f.GetStringLength());
      if (op.fields.type != "TCP" && op.fields.type != "UDP") {
        return absl::InvalidArgumentError("'type' must be TCP or UDP");
      }
      op.has_type = true;
    } else if (name == "pid") {
      if (f.IsNull()) {
        op.fields.pid.reset();
      } else if (f.IsInt64()) {
        op.fields.pid = f.GetInt64();
      } else {
        return absl::InvalidArgumentError("'pid' must be an integer or null");
      }
      op.has_pid = true;
    } else if (name == "laddr" || name == "path" || name == "status" || name == "agent_id" ||
               name == "container_id") {
      absl::StatusOr<std::optional<std::string>> text = OptionalString(f, name);
      if (!text.ok()) return text.status();
      if (name == "laddr") {
        op.fields.laddr = *std::move(text);
        op.has_laddr = true;
      } else if (name == "path") {
        op.fields.path = *std::move(text);
        op.has_path = true;
      } else if (name == "status") {
        op.fields.status = *std::move(text);
        op.has_status = true;
      } else if (name == "agent_id") {
        op.fields.agent_id = *std::move(text);
        op.has_agent_id = true;
      } else {
        op.fields.container_id = *std::move(text);
        op.has_container_id = true;
      }
    } else {
      return NotAllowed(name);
    }
  }
  if (!have_op) return absl::InvalidArgumentError("need 'op' (open, close or modify)");
  if (op.kind == PortChangeOp::kOpen && (!op.has_port || !op.has_type || op.index)) {
    return absl::InvalidArgumentError("'open' needs 'port' and 'type' (and takes no 'index')");
  }
  if (op.kind != PortChangeOp::kOpen && !op.index && (!op.has_port || !op.has_type)) {
    return absl::InvalidArgumentError(
        "'close' and 'modify' need 'index' (a generated record) or the port's identity "
        "('type', 'port', 'laddr', 'container_id')");
  }
  if (op.kind == PortChangeOp::kModify && (op.has_laddr || op.has_container_id) && op.index) {
    return absl::InvalidArgumentError(
        "'modify' changes pid, path, status or agent_id; laddr and container_id are the identity");
  }
  return op;
}

// Applies `ops` in order to one host's overlay; the first one that addresses no current port
// stops the request (nothing is applied).
absl::StatusOr<uint64_t> ApplyPortChanges(SimService& service, const HostKey& key,
                                          const std::vector<PortChangeOp>& ops) {
  return service.hosts().ChangePorts(
      key,
      [&](const HostPorts& host, uint64_t count, PortOverlay& overlay) -> absl::StatusOr<uint64_t> {
        const PortOverlay before = overlay;
        for (size_t i = 0; i < ops.size(); ++i) {
          const PortChangeOp& op = ops[i];
          if (op.kind == PortChangeOp::kOpen) {
            PortRecord record = op.fields;
            record.host_id = key.host_id;
            if (!op.has_agent_id) record.agent_id = host.agent_id();
            if (!op.has_container_id && key.category == Category::kHost) record.container_id = "";
            overlay.Add(std::move(record));
            continue;
          }
          std::optional<PortOverlay::Position> position;
          if (op.index) {
            if (overlay.At(host, count, {false, *op.index})) position = {false, *op.index};
          } else {
            PortRecord identity = op.fields;
            if (!op.has_container_id && key.category == Category::kHost) {
              identity.container_id = "";
            }
            position = overlay.Find(host, count, identity);
          }
          if (!position) {
            overlay = before;
            return absl::NotFoundError(absl::StrCat("change ", i, ": no such port is open"));
          }
          if (op.kind == PortChangeOp::kClose) {
            overlay.Remove(*position);
            continue;
          }
          PortRecord record = *overlay.At(host, count, *position);
          if (op.has_pid) record.pid = op.fields.pid;
          if (op.has_path) record.path = op.fields.path;
          if (op.has_status) record.status = op.fields.status;
          if (op.has_agent_id) record.agent_id = op.fields.agent_id;
          overlay.Replace(*position, std::move(record));
        }
        return overlay.Size(count);
      });
}

// The host of /_sim/hosts/{host_id}/...[?category=container].
absl::StatusOr<HostKey> PathHostKey(const SimService& service, std::string_view encoded_host,
                                    std::string_view raw_query) {
  const std::optional<std::string> host_id = PercentDecode(encoded_host);
  if (!host_id || host_id->empty()) return absl::InvalidArgumentError("bad host_id in the path");
  HostKey key{service.config().seed, *host_id, Category::kHost};
  if (const std::optional<std::vector<QueryParam>> query = ParseQuery(raw_query)) {
    for (const auto& [name, value] : *query) {
      if (name != "category") continue;
      const std::optional<Category> category = ParseCategory(value);
      if (!category) return absl::InvalidArgumentError("category: host or container");
      key.category = *category;
    }
  }
  return key;
}

// POST {"percent":P,"interval_ms":I} (start) / DELETE (stop) /_sim/hosts/{host_id}/churn.
SimHttpResponse HostChurnControl(SimService& service, const SimHttpRequest& request,
                                 std::string_view encoded_host, std::string_view raw_query) {
  absl::StatusOr<HostKey> key = PathHostKey(service, encoded_host, raw_query);
  if (!key.ok()) return BadRequest(key.status());
  HostChurn churn{key->host_id, key->category, 0, 0};
  const int64_t now_ms = service.clock().monotonic_ms();
  if (request.method == "DELETE") {
    service.hosts().SetChurn(churn, now_ms);
    return Json(200, "{\"stopped\":true}");
  }
  if (request.method != "POST") {
    return ControlError(405, "SIM.0405",
                        absl::StrCat("method ", request.method, " not allowed on host churn"));
  }
  absl::StatusOr<rapidjson::Document> doc = ParseJson(request.body);
  if (!doc.ok()) return BadRequest(doc.status());
  if (!doc->IsObject()) return BadRequest(absl::InvalidArgumentError("want a JSON object"));
  for (auto it = doc->MemberBegin(); it != doc->MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (name == "percent" && it->value.IsNumber()) {
      churn.percent = it->value.GetDouble();
    } else if (name == "interval_ms" && it->value.IsInt64()) {
      churn.interval_ms = it->value.GetInt64();
    } else {
      return BadRequest(NotAllowed(name));
    }
  }
  if (churn.percent <= 0 || churn.percent > 100 || churn.interval_ms <= 0) {
    return BadRequest(
        absl::InvalidArgumentError("need 'percent' (0-100, > 0) and 'interval_ms' (> 0)"));
  }
  service.hosts().SetChurn(churn, now_ms);
  return Json(200, absl::StrCat("{\"percent\":", churn.percent,
                                ",\"interval_ms\":", churn.interval_ms, "}"));
}

// POST (apply) / DELETE (forget) /_sim/hosts/{host_id}/changes[?category=container].
SimHttpResponse HostChanges(SimService& service, const SimHttpRequest& request,
                            std::string_view encoded_host, std::string_view raw_query) {
  absl::StatusOr<HostKey> parsed = PathHostKey(service, encoded_host, raw_query);
  if (!parsed.ok()) return BadRequest(parsed.status());
  const HostKey& key = *parsed;
  if (request.method == "DELETE") {
    service.hosts().ClearChanges(key);
    return Json(200, "{\"cleared\":true}");
  }
  if (request.method != "POST") {
    return ControlError(405, "SIM.0405",
                        absl::StrCat("method ", request.method, " not allowed on host changes"));
  }
  absl::StatusOr<rapidjson::Document> doc = ParseJson(request.body);
  if (!doc.ok()) return BadRequest(doc.status());
  std::vector<PortChangeOp> ops;
  const auto add = [&](const Value& v) -> absl::Status {
    absl::StatusOr<PortChangeOp> op = ParsePortChange(v);
    if (!op.ok()) return op.status();
    ops.push_back(*std::move(op));
    return absl::OkStatus();
  };
  if (doc->IsArray()) {
    for (const Value& v : doc->GetArray()) {
      if (absl::Status status = add(v); !status.ok()) return BadRequest(status);
    }
  } else if (absl::Status status = add(*doc); !status.ok()) {
    return BadRequest(status);
  }
  absl::StatusOr<uint64_t> total = ApplyPortChanges(service, key, ops);
  if (!total.ok()) return ControlError(404, "SIM.0404", std::string(total.status().message()));
  return Json(200, absl::StrCat("{\"applied\":", ops.size(), ",\"total\":", *total, "}"));
}

uint64_t ParseAfter(std::string_view raw_query) {
  const std::optional<std::vector<QueryParam>> query = ParseQuery(raw_query);
  if (!query) return 0;
  for (const auto& [key, value] : *query) {
    uint64_t after = 0;
    if (key == "after" &&
        std::from_chars(value.data(), value.data() + value.size(), after).ec == std::errc()) {
      return after;
    }
  }
  return 0;
}

}  // namespace

SimHttpResponse HandleControl(SimService& service, const SimHttpRequest& request,
                              std::string_view raw_path, std::string_view raw_query) {
  const std::string& method = request.method;
  const auto wrong_method = [&] {
    return ControlError(405, "SIM.0405",
                        absl::StrCat("method ", method, " not allowed on ", AbslView(raw_path)));
  };
  if (raw_path == "/healthz") {
    return method == "GET" ? Json(200, "{\"status\":\"ok\"}") : wrong_method();
  }
  if (raw_path == "/_sim/info") return method == "GET" ? Info(service) : wrong_method();
  if (raw_path == "/_sim/hosts") {
    if (method == "POST") return PostHosts(service, request.body);
    if (method == "GET") return Json(200, HostsJson(service.hosts().List()));
    if (method == "DELETE") {
      service.hosts().Reset();
      return Json(200, "{\"reset\":true}");
    }
    return wrong_method();
  }
  if (constexpr std::string_view kHosts = "/_sim/hosts/"; raw_path.starts_with(kHosts)) {
    const std::string_view rest = raw_path.substr(kHosts.size());
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos && slash > 0) {
      const std::string_view host = rest.substr(0, slash);
      const std::string_view action = rest.substr(slash + 1);
      if (action == "changes") return HostChanges(service, request, host, raw_query);
      if (action == "churn") return HostChurnControl(service, request, host, raw_query);
    }
  }
  if (raw_path == "/_sim/faults") {
    if (method == "POST") {
      absl::StatusOr<std::vector<FaultRule>> rules = ParseFaultRules(request.body);
      if (!rules.ok()) return BadRequest(rules.status());
      const std::vector<int64_t> ids = service.faults().Add(*std::move(rules));
      std::string out = "{\"ids\":[";
      for (size_t i = 0; i < ids.size(); ++i) absl::StrAppend(&out, i ? "," : "", ids[i]);
      return Json(200, out + "]}");
    }
    if (method == "GET") return Json(200, service.faults().ToJson());
    if (method == "DELETE") {
      service.faults().Clear();
      return Json(200, "{\"cleared\":true}");
    }
    return wrong_method();
  }
  if (raw_path == "/_sim/requests") {
    if (method == "GET") return Json(200, service.request_log().ToJson(ParseAfter(raw_query)));
    if (method == "DELETE") {
      service.request_log().Clear();
      return Json(200, "{\"cleared\":true}");
    }
    return wrong_method();
  }
  if (raw_path == "/_sim/stats") {
    if (method == "GET") return Json(200, service.stats().ToJson());
    if (method == "DELETE") {
      service.stats().Reset();
      return Json(200, "{\"cleared\":true}");
    }
    return wrong_method();
  }
  if (raw_path == "/_sim/quota") {
    if (method == "POST") return PostQuota(service, request.body);
    if (method == "GET") return Json(200, QuotaJson(service.quota().config()));
    return wrong_method();
  }
  if (raw_path == "/_sim/iam/tokens" || raw_path == "/_sim/iam/tokens/expire") {
    return IamTokens(service, method, raw_path);
  }
  if (raw_path == "/_sim/aksk/lockout") {
    if (method == "GET") {
      return Json(200, service.aksk_lockout().ToJson(service.clock().monotonic_ms()));
    }
    if (method == "DELETE") {
      service.aksk_lockout().Clear();
      return Json(200, "{\"cleared\":true}");
    }
    return wrong_method();
  }
  if (raw_path == "/_sim/reset") {
    if (method != "POST") return wrong_method();
    service.Reset();
    return Json(200, "{\"reset\":true}");
  }
  return ControlError(404, "SIM.0404",
                      absl::StrCat("unknown control endpoint ", AbslView(raw_path)));
}

}  // namespace hss::sim
