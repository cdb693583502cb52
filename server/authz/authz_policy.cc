#include "server/authz/authz_policy.h"

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

constexpr absl::string_view kMethods[] = {"ListPorts", "StreamPorts", "WatchPorts"};

// Reads `rule[key]`, an array of non-empty strings, into `out`.
absl::Status ReadPatterns(const rapidjson::Value& rule, const char* key, const std::string& where,
                          bool required, std::vector<std::string>* out) {
  auto it = rule.FindMember(key);
  if (it == rule.MemberEnd()) {
    if (!required) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(where, ": \"", key, "\" is missing"));
  }
  if (!it->value.IsArray() || it->value.Empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": \"", key, "\" must be a non-empty array of strings"));
  }
  for (const rapidjson::Value& v : it->value.GetArray()) {
    if (!v.IsString() || v.GetStringLength() == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": \"", key, "\" must hold non-empty strings"));
    }
    out->emplace_back(v.GetString(), v.GetStringLength());
  }
  return absl::OkStatus();
}

bool AnyMatches(const std::vector<std::string>& patterns, absl::string_view text) {
  for (const std::string& pattern : patterns) {
    if (GlobMatch(pattern, text)) return true;
  }
  return false;
}

bool CallerMatches(const std::vector<std::string>& patterns, const Caller& caller) {
  for (const std::string& pattern : patterns) {
    if (pattern == "*") return true;
    for (const std::string& identity : caller.identities) {
      if (GlobMatch(pattern, identity)) return true;
    }
  }
  return false;
}

}  // namespace

bool GlobMatch(absl::string_view pattern, absl::string_view text) {
  // Iterative matching with one backtrack point: linear in practice, never exponential.
  std::size_t p = 0, t = 0;
  std::size_t star = absl::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

absl::StatusOr<AuthzPolicy> AuthzPolicy::Parse(absl::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not JSON: ", rapidjson::GetParseError_En(doc.GetParseError()), " at byte ",
                     doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return absl::InvalidArgumentError("the policy must be a JSON object");
  for (const auto& member : doc.GetObject()) {
    if (absl::string_view(member.name.GetString()) != "rules") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown key \"", member.name.GetString(), "\" (the policy has \"rules\")"));
    }
  }
  auto rules = doc.FindMember("rules");
  if (rules == doc.MemberEnd() || !rules->value.IsArray()) {
    return absl::InvalidArgumentError("\"rules\" must be an array of rules");
  }
  AuthzPolicy policy;
  int index = 0;
  for (const rapidjson::Value& value : rules->value.GetArray()) {
    ++index;
    const std::string where = absl::StrCat("rule ", index);
    if (!value.IsObject())
      return absl::InvalidArgumentError(absl::StrCat(where, " is not an object"));
    for (const auto& member : value.GetObject()) {
      const absl::string_view key = member.name.GetString();
      if (key != "name" && key != "callers" && key != "methods" && key != "projects" &&
          key != "host_ids") {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": unknown key \"", key,
            "\" (a rule has name, callers, methods, projects and optionally host_ids)"));
      }
    }
    Rule rule;
    if (auto name = value.FindMember("name"); name != value.MemberEnd()) {
      if (!name->value.IsString()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": \"name\" must be a string"));
      }
      rule.name = name->value.GetString();
    } else {
      rule.name = where;
    }
    const std::string named = absl::StrCat(where, " (", rule.name, ")");
    for (auto [key, required, out] :
         {std::tuple{"callers", true, &rule.callers}, std::tuple{"methods", true, &rule.methods},
          std::tuple{"projects", true, &rule.projects},
          std::tuple{"host_ids", false, &rule.host_ids}}) {
      if (absl::Status s = ReadPatterns(value, key, named, required, out); !s.ok()) return s;
    }
    for (const std::string& method : rule.methods) {
      bool known = method.find('*') != std::string::npos;
      for (absl::string_view m : kMethods) known = known || method == m;
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat(named, ": unknown method \"", method, "\" (",
                                                       absl::StrJoin(kMethods, ", "), " or *)"));
      }
    }
    policy.rules_.push_back(std::move(rule));
  }
  return policy;
}

absl::Status AuthzPolicy::Check(const Caller& caller, absl::string_view method,
                                absl::string_view project_id, absl::string_view host_id) const {
  for (const Rule& rule : rules_) {
    if (CallerMatches(rule.callers, caller) && AnyMatches(rule.methods, method) &&
        AnyMatches(rule.projects, project_id) &&
        (rule.host_ids.empty() || AnyMatches(rule.host_ids, host_id))) {
      return absl::OkStatus();
    }
  }
  const std::string identity = caller.primary();
  return MakeError(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("caller ", identity, " may not call ", method, " for project ", project_id,
                   " (or this host): no rule of the gateway's authorization policy "
                   "allows it"),
      kReasonCallerNotAuthorized,
      {{std::string(kMetaCallerIdentity), identity},
       {std::string(kMetaProjectId), std::string(project_id)}});
}

}  // namespace hss::gateway
