#include "sim/iam/iam_request.h"

#include <ctime>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/aksk_signer.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "sim/data/absl_view.h"

namespace hss::sim {
namespace {

using rapidjson::Value;

absl::Status Invalid(std::string_view message) {
  return absl::InvalidArgumentError(AbslView(message));
}

// Splits `spec` on ',' into non-empty items.
absl::StatusOr<std::vector<std::string_view>> SplitList(std::string_view spec,
                                                        std::string_view what) {
  std::vector<std::string_view> items;
  if (spec.empty()) return items;
  for (size_t start = 0;;) {
    const size_t comma = spec.find(',', start);
    const std::string_view item = spec.substr(start, comma - start);
    if (item.empty()) return Invalid(absl::StrCat("empty item in the ", AbslView(what), " list"));
    items.push_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

// The member `name` of object `v`, or nullptr.
const Value* Member(const Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

// The object at `path` (a chain of member names) under `root`, or an error naming the path.
absl::StatusOr<const Value*> Object(const Value& root, std::initializer_list<const char*> path) {
  const Value* v = &root;
  std::string where;
  for (const char* name : path) {
    absl::StrAppend(&where, where.empty() ? "" : ".", name);
    v = Member(*v, name);
    if (v == nullptr || !v->IsObject()) {
      return Invalid(absl::StrCat("'", where, "' must be a JSON object"));
    }
  }
  return v;
}

// Copies the non-empty string member `name` of `object` to `out`; `where` names `object`.
absl::Status String(const Value& object, const char* name, std::string_view where,
                    std::string& out) {
  const Value* v = Member(object, name);
  if (v == nullptr || !v->IsString() || v->GetStringLength() == 0) {
    return Invalid(absl::StrCat("'", AbslView(where), ".", name, "' must be a non-empty string"));
  }
  out.assign(v->GetString(), v->GetStringLength());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<IamUser>> ParseIamUsers(std::string_view spec) {
  absl::StatusOr<std::vector<std::string_view>> items = SplitList(spec, "user");
  if (!items.ok()) return items.status();
  std::vector<IamUser> users;
  for (std::string_view item : *items) {
    const size_t at = item.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == item.size()) {
      return Invalid(absl::StrCat("want USER@DOMAIN, got '", AbslView(item), "'"));
    }
    users.push_back({std::string(item.substr(0, at)), std::string(item.substr(at + 1))});
  }
  return users;
}

absl::StatusOr<std::vector<IamProject>> ParseIamProjects(std::string_view spec) {
  absl::StatusOr<std::vector<std::string_view>> items = SplitList(spec, "project");
  if (!items.ok()) return items.status();
  std::vector<IamProject> projects;
  for (std::string_view item : *items) {
    const size_t colon = item.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == item.size()) {
      return Invalid(absl::StrCat("want NAME:ID, got '", AbslView(item), "'"));
    }
    projects.push_back({std::string(item.substr(0, colon)), std::string(item.substr(colon + 1))});
  }
  return projects;
}

absl::StatusOr<IamPasswordAuth> ParseIamPasswordAuth(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) {
    return Invalid(absl::StrCat("the request body is not valid JSON (offset ", doc.GetErrorOffset(),
                                ": ", GetParseError_En(doc.GetParseError()), ")"));
  }
  absl::StatusOr<const Value*> identity = Object(doc, {"auth", "identity"});
  if (!identity.ok()) return identity.status();
  const Value* methods = Member(**identity, "methods");
  bool password_method = false;
  if (methods != nullptr && methods->IsArray()) {
    for (const Value& m : methods->GetArray()) {
      if (m.IsString() && std::string_view(m.GetString(), m.GetStringLength()) == "password") {
        password_method = true;
      }
    }
  }
  if (!password_method) {
    return Invalid("'auth.identity.methods' must be an array containing \"password\"");
  }
  absl::StatusOr<const Value*> user = Object(**identity, {"password", "user"});
  if (!user.ok()) {
    return Invalid(absl::StrCat("in 'auth.identity': ", user.status().message()));
  }
  IamPasswordAuth out;
  constexpr std::string_view kUser = "auth.identity.password.user";
  if (absl::Status s = String(**user, "name", kUser, out.user_name); !s.ok()) return s;
  if (absl::Status s = String(**user, "password", kUser, out.password); !s.ok()) return s;
  absl::StatusOr<const Value*> domain = Object(**user, {"domain"});
  if (!domain.ok())
    return Invalid(absl::StrCat("'", AbslView(kUser), ".domain' must be an object"));
  if (absl::Status s =
          String(**domain, "name", absl::StrCat(AbslView(kUser), ".domain"), out.domain_name);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<const Value*> project = Object(doc, {"auth", "scope", "project"});
  if (!project.ok()) {
    return Invalid(
        "the token must be scoped to a project: 'auth.scope.project' with \"name\" or \"id\"");
  }
  const bool by_name = Member(**project, "name") != nullptr;
  const bool by_id = Member(**project, "id") != nullptr;
  if (by_name == by_id) {
    return Invalid("'auth.scope.project' must have exactly one of \"name\" and \"id\"");
  }
  constexpr std::string_view kProject = "auth.scope.project";
  absl::Status s = by_name ? String(**project, "name", kProject, out.project_name)
                           : String(**project, "id", kProject, out.project_id);
  if (!s.ok()) return s;
  return out;
}

std::string FormatIamTime(int64_t unix_ms) {
  int64_t seconds = unix_ms / 1000;
  int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  const time_t t = static_cast<time_t>(seconds);
  tm utc{};
  gmtime_r(&t, &utc);
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d.%03d000Z", utc.tm_year + 1900,
                         utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                         static_cast<int>(millis));
}

std::string SyntheticId(std::string_view kind, std::string_view name) {
  return HexSha256(absl::StrCat(AbslView(kind), ":", AbslView(name))).substr(0, 32);
}

}  // namespace hss::sim
