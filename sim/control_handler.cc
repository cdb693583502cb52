#include "sim/control_handler.h"

#include <charconv>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
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
