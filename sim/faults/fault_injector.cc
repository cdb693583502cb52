#include "sim/faults/fault_injector.h"

#include <charconv>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sim/data/absl_view.h"

namespace hss::sim {
namespace {

using rapidjson::Value;

// Upper bounds of the generated-body effects: enough for any test, small enough for memory.
constexpr int64_t kMaxExtraRows = 1'000'000;
constexpr int64_t kMaxGenerated = 100'000'000;

absl::Status FieldError(std::string_view field, std::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("fault rule field '", AbslView(field), "' must be ", AbslView(want)));
}

absl::Status GetString(const Value& v, std::string_view field, std::string& out) {
  if (!v.IsString()) return FieldError(field, "a string");
  out.assign(v.GetString(), v.GetStringLength());
  return absl::OkStatus();
}

absl::Status GetInt(const Value& v, std::string_view field, int64_t min, int64_t& out) {
  if (!v.IsInt64() || v.GetInt64() < min) {
    return FieldError(field, absl::StrCat("an integer >= ", min));
  }
  out = v.GetInt64();
  return absl::OkStatus();
}

absl::Status GetBool(const Value& v, std::string_view field, bool& out) {
  if (!v.IsBool()) return FieldError(field, "true or false");
  out = v.GetBool();
  return absl::OkStatus();
}

std::optional<BodyShape> ParseShape(std::string_view s) {
  if (s == "error_code") return BodyShape::kErrorCode;
  if (s == "error_obj") return BodyShape::kErrorObj;
  if (s == "error_title") return BodyShape::kErrorTitle;
  if (s == "errorCode") return BodyShape::kErrorCamel;
  if (s == "raw") return BodyShape::kRaw;
  return std::nullopt;
}

const char* ShapeName(BodyShape shape) {
  switch (shape) {
    case BodyShape::kErrorCode:
      return "error_code";
    case BodyShape::kErrorObj:
      return "error_obj";
    case BodyShape::kErrorTitle:
      return "error_title";
    case BodyShape::kErrorCamel:
      return "errorCode";
    case BodyShape::kRaw:
      return "raw";
  }
  return "error_code";
}

absl::Status ParseMatch(const Value& v, FaultMatch& match) {
  if (!v.IsObject()) return FieldError("match", "an object");
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    absl::Status s;
    std::string str;
    int64_t num = 0;
    if (name == "host_id") {
      s = GetString(it->value, "match.host_id", str);
      match.host_id = str;
    } else if (name == "offset") {
      s = GetInt(it->value, "match.offset", 0, num);
      match.offset = num;
    } else if (name == "limit") {
      s = GetInt(it->value, "match.limit", 0, num);
      match.limit = num;
    } else if (name == "category") {
      s = GetString(it->value, "match.category", str);
      match.category = str;
    } else if (name == "path_prefix") {
      s = GetString(it->value, "match.path_prefix", str);
      match.path_prefix = str;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown fault rule field 'match.", AbslView(name), "'"));
    }
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<FaultRule> ParseRule(const Value& v) {
  if (!v.IsObject()) return absl::InvalidArgumentError("a fault rule must be a JSON object");
  FaultRule rule;
  FaultEffect& e = rule.effect;
  bool shape_set = false;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    const Value& f = it->value;
    absl::Status s;
    std::string str;
    int64_t num = 0;
    if (name == "match") {
      s = ParseMatch(f, rule.match);
    } else if (name == "times") {
      s = GetInt(f, name, -1, rule.times);
    } else if (name == "skip") {
      s = GetInt(f, name, 0, rule.skip);
    } else if (name == "probability") {
      if (!f.IsNumber() || f.GetDouble() < 0 || f.GetDouble() > 1) {
        s = FieldError(name, "a number in [0, 1]");
      } else {
        rule.probability = f.GetDouble();
      }
    } else if (name == "status") {
      s = GetInt(f, name, 100, num);
      if (s.ok() && num > 599) s = FieldError(name, "an HTTP status in [100, 599]");
      e.status = static_cast<int>(num);
    } else if (name == "error_code") {
      s = GetString(f, name, e.error_code);
    } else if (name == "error_msg") {
      s = GetString(f, name, e.error_msg);
    } else if (name == "body_shape") {
      s = GetString(f, name, str);
      if (s.ok()) {
        const auto shape = ParseShape(str);
        if (!shape) {
          s = FieldError(name, "error_code, error_obj, error_title, errorCode or raw");
        } else {
          e.body_shape = *shape;
          shape_set = true;
        }
      }
    } else if (name == "raw_body") {
      s = GetString(f, name, str);
      e.raw_body = str;
    } else if (name == "content_type") {
      s = GetString(f, name, str);
      e.content_type = str;
    } else if (name == "retry_after") {
      if (f.IsInt64()) {
        e.retry_after = std::to_string(f.GetInt64());
      } else {
        s = GetString(f, name, str);
        e.retry_after = str;
      }
    } else if (name == "headers") {
      if (!f.IsObject()) {
        s = FieldError(name, "an object of strings");
      } else {
        for (auto h = f.MemberBegin(); h != f.MemberEnd() && s.ok(); ++h) {
          s = GetString(h->value, "headers.*", str);
          e.headers.emplace_back(std::string(h->name.GetString(), h->name.GetStringLength()), str);
        }
      }
    } else if (name == "latency_ms") {
      s = GetInt(f, name, 0, e.latency_ms);
    } else if (name == "drop_connection") {
      s = GetBool(f, name, e.drop_connection);
    } else if (name == "reset_connection") {
      s = GetBool(f, name, e.reset_connection);
    } else if (name == "truncate_body") {
      s = GetBool(f, name, e.truncate_body);
    } else if (name == "malformed_body") {
      s = GetBool(f, name, e.malformed_body);
    } else if (name == "oversized_body_bytes") {
      s = GetInt(f, name, 0, e.oversized_body_bytes);
    } else if (name == "extra_rows") {
      s = GetInt(f, name, 0, e.extra_rows);
      if (s.ok() && e.extra_rows > kMaxExtraRows) s = FieldError(name, "at most 1000000");
    } else if (name == "total_num") {
      int64_t total = 0;
      s = GetInt(f, name, 0, total);
      e.total_num = total;
    } else if (name == "empty_records") {
      s = GetInt(f, name, 0, e.empty_records);
      if (s.ok() && e.empty_records > kMaxGenerated) s = FieldError(name, "at most 100000000");
    } else if (name == "nested_depth") {
      s = GetInt(f, name, 0, e.nested_depth);
      if (s.ok() && e.nested_depth > kMaxGenerated) s = FieldError(name, "at most 100000000");
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown fault rule field '", AbslView(name), "'"));
    }
    if (!s.ok()) return s;
  }
  if (e.raw_body && !shape_set) e.body_shape = BodyShape::kRaw;
  return rule;
}

bool EqualsInt(const std::string* raw, int64_t default_value, int64_t want) {
  if (raw == nullptr) return want == default_value;
  int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  return !raw->empty() && ec == std::errc() && ptr == raw->data() + raw->size() && value == want;
}

void MergeSoft(const FaultEffect& from, FaultEffect& into) {
  into.latency_ms += from.latency_ms;
  if (from.retry_after) into.retry_after = from.retry_after;
  into.headers.insert(into.headers.end(), from.headers.begin(), from.headers.end());
}

}  // namespace

bool FaultEffect::hard() const {
  return status || raw_body || drop_connection || reset_connection || truncate_body ||
         malformed_body || oversized_body_bytes > 0 || extra_rows > 0 || total_num ||
         empty_records > 0 || nested_depth > 0;
}

absl::StatusOr<std::vector<FaultRule>> ParseFaultRules(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSON at offset ", doc.GetErrorOffset(),
                                                   ": ", GetParseError_En(doc.GetParseError())));
  }
  std::vector<FaultRule> rules;
  if (doc.IsArray()) {
    for (const Value& v : doc.GetArray()) {
      absl::StatusOr<FaultRule> rule = ParseRule(v);
      if (!rule.ok()) return rule.status();
      rules.push_back(*std::move(rule));
    }
  } else {
    absl::StatusOr<FaultRule> rule = ParseRule(doc);
    if (!rule.ok()) return rule.status();
    rules.push_back(*std::move(rule));
  }
  return rules;
}

bool FaultMatches(const FaultMatch& match, const FaultRequest& request) {
  if (request.iam && !match.path_prefix) return false;
  if (match.path_prefix &&
      request.path.substr(0, match.path_prefix->size()) != *match.path_prefix) {
    return false;
  }
  if (match.host_id && (request.host_id == nullptr || *request.host_id != *match.host_id)) {
    return false;
  }
  if (match.category &&
      (request.category == nullptr ? "host" : *request.category) != *match.category) {
    return false;
  }
  if (match.offset && !EqualsInt(request.offset, 0, *match.offset)) return false;
  if (match.limit && !EqualsInt(request.limit, 10, *match.limit)) return false;
  return true;
}

std::string FaultRuleToJson(const FaultRule& rule) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  const auto str = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  const FaultMatch& m = rule.match;
  w.Key("match");
  w.StartObject();
  if (m.host_id) str("host_id", *m.host_id);
  if (m.offset) {
    w.Key("offset");
    w.Int64(*m.offset);
  }
  if (m.limit) {
    w.Key("limit");
    w.Int64(*m.limit);
  }
  if (m.category) str("category", *m.category);
  if (m.path_prefix) str("path_prefix", *m.path_prefix);
  w.EndObject();
  w.Key("times");
  w.Int64(rule.times);
  w.Key("skip");
  w.Int64(rule.skip);
  w.Key("probability");
  w.Double(rule.probability);
  const FaultEffect& e = rule.effect;
  if (e.status) {
    w.Key("status");
    w.Int(*e.status);
  }
  str("error_code", e.error_code);
  str("error_msg", e.error_msg);
  w.Key("body_shape");
  w.String(ShapeName(e.body_shape));
  if (e.raw_body) str("raw_body", *e.raw_body);
  if (e.content_type) str("content_type", *e.content_type);
  if (e.retry_after) str("retry_after", *e.retry_after);
  if (!e.headers.empty()) {
    w.Key("headers");
    w.StartObject();
    for (const auto& [name, value] : e.headers) str(name.c_str(), value);
    w.EndObject();
  }
  if (e.latency_ms) {
    w.Key("latency_ms");
    w.Int64(e.latency_ms);
  }
  if (e.drop_connection) {
    w.Key("drop_connection");
    w.Bool(true);
  }
  if (e.reset_connection) {
    w.Key("reset_connection");
    w.Bool(true);
  }
  if (e.truncate_body) {
    w.Key("truncate_body");
    w.Bool(true);
  }
  if (e.malformed_body) {
    w.Key("malformed_body");
    w.Bool(true);
  }
  if (e.oversized_body_bytes) {
    w.Key("oversized_body_bytes");
    w.Int64(e.oversized_body_bytes);
  }
  if (e.total_num) {
    w.Key("total_num");
    w.Int64(*e.total_num);
  }
  for (const auto& [key, value] : {std::pair<const char*, int64_t>{"extra_rows", e.extra_rows},
                                   {"empty_records", e.empty_records},
                                   {"nested_depth", e.nested_depth}}) {
    if (value == 0) continue;
    w.Key(key);
    w.Int64(value);
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

FaultInjector::FaultInjector(uint64_t seed) : rng_(seed) {}

std::vector<int64_t> FaultInjector::Add(std::vector<FaultRule> rules) {
  std::lock_guard lock(mutex_);
  std::vector<int64_t> ids;
  for (FaultRule& rule : rules) {
    rule.id = next_id_++;
    ids.push_back(rule.id);
    rules_.push_back({std::move(rule)});
  }
  return ids;
}

void FaultInjector::Clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

std::optional<AppliedFault> FaultInjector::Apply(const FaultRequest& request) {
  std::lock_guard lock(mutex_);
  std::optional<AppliedFault> result;
  for (State& state : rules_) {
    const FaultRule& rule = state.rule;
    if (rule.times >= 0 && state.applied >= rule.times) continue;
    if (!FaultMatches(rule.match, request)) continue;
    if (++state.matched <= rule.skip) continue;
    if (rule.probability < 1.0 &&
        std::uniform_real_distribution<double>(0.0, 1.0)(rng_) >= rule.probability) {
      continue;
    }
    ++state.applied;
    if (!result) result.emplace();
    result->rule_id = rule.id;
    MergeSoft(rule.effect, result->effect);
    if (rule.effect.hard()) {
      FaultEffect hard = rule.effect;
      hard.latency_ms = result->effect.latency_ms;
      hard.headers = std::move(result->effect.headers);
      if (!hard.retry_after) hard.retry_after = result->effect.retry_after;
      result->effect = std::move(hard);
      break;
    }
  }
  return result;
}

std::string FaultInjector::ToJson() const {
  std::lock_guard lock(mutex_);
  std::string out = "[";
  for (const State& state : rules_) {
    if (out.size() > 1) out.push_back(',');
    absl::StrAppend(&out, "{\"id\":", state.rule.id, ",\"matched\":", state.matched,
                    ",\"applied\":", state.applied, ",\"rule\":", FaultRuleToJson(state.rule), "}");
  }
  out.push_back(']');
  return out;
}

}  // namespace hss::sim
