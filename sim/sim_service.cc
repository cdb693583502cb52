#include "sim/sim_service.h"

#include <chrono>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "sim/control_handler.h"
#include "sim/data/port_generator.h"
#include "sim/data/port_json.h"
#include "sim/error_body.h"

namespace hss::sim {
namespace {

const std::string* FindParam(const std::vector<QueryParam>& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Matches `/v5/{project_id}/asset/ports` and returns the raw project_id segment.
std::optional<std::string_view> MatchPortsPath(std::string_view path) {
  constexpr std::string_view kPrefix = "/v5/";
  constexpr std::string_view kSuffix = "/asset/ports";
  if (path.size() <= kPrefix.size() + kSuffix.size() || !path.starts_with(kPrefix) ||
      !path.ends_with(kSuffix)) {
    return std::nullopt;
  }
  const std::string_view project =
      path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  if (project.empty() || project.find('/') != std::string_view::npos) return std::nullopt;
  return project;
}

bool IsCredentialHeader(const std::string& name) {
  return absl::EqualsIgnoreCase(name, "Authorization") ||
         absl::EqualsIgnoreCase(name, "X-Auth-Token") ||
         absl::EqualsIgnoreCase(name, "X-Security-Token");
}

}  // namespace

SimService::SimService(SimConfig config, SimClock clock)
    : config_(std::move(config)),
      clock_(std::move(clock)),
      hosts_(config_.hosts, config_.default_ports),
      faults_(config_.seed),
      log_(config_.request_log_max),
      quota_(config_.quota),
      lockout_(config_.aksk_lockout),
      auth_(config_.auth, &tokens_, &lockout_),
      iam_(&config_.iam, &tokens_, &auth_),
      ports_(config_.seed, &hosts_, config_.limits) {
  faults_.Add(config_.faults);
  StartChurn();
}

void SimService::StartChurn() {
  for (const HostChurn& churn : config_.churn) hosts_.SetChurn(churn, clock_.monotonic_ms());
}

void SimService::Reset() {
  hosts_.Reset();
  StartChurn();
  faults_.Clear();
  faults_.Add(config_.faults);
  log_.Clear();
  stats_.Reset();
  quota_.Configure(config_.quota);
  lockout_.Clear();
}

SimHttpResponse SimService::Handle(const SimHttpRequest& request) {
  const std::string request_id = ids_.Next();
  const std::string_view target = request.target;
  const size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view raw_query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (raw_path == "/healthz" || raw_path == "/_sim" || raw_path.starts_with("/_sim/")) {
    SimHttpResponse response = HandleControl(*this, request, raw_path, raw_query);
    response.headers.emplace_back("X-Request-Id", request_id);
    return response;
  }

  LoggedRequest entry;
  entry.seq = log_.NextSeq();
  entry.time_ms = clock_.wall_ms();
  const bool iam = IamHandler::IsIamRequest(request.method, raw_path);
  SimHttpResponse response = iam ? HandleIam(request, raw_path, raw_query, request_id, entry)
                                 : HandleApi(request, raw_path, raw_query, request_id, entry);
  const bool dropped =
      response.delivery == Delivery::kDrop || response.delivery == Delivery::kReset;
  entry.status = dropped ? 0 : response.status;
  if (iam) {
    if (raw_path == kIamTokensPath) {
      stats_.IamTokenFinished(entry.status);
    } else {
      stats_.IamProjectsAnswered(entry.status);
    }
  } else {
    response.delay_ms += config_.latency_ms;
    stats_.Record(entry.status, entry.fault_rule.has_value());
  }
  if (log_.enabled()) {
    entry.method = request.method;
    entry.path = std::string(raw_path);
    entry.request_id = request_id;
    for (const HttpHeader& header : request.headers) {
      if (!IsCredentialHeader(header.first)) entry.headers.push_back(header);
    }
    log_.Add(std::move(entry));
  }
  return response;
}

SimHttpResponse SimService::HandleApi(const SimHttpRequest& request, std::string_view raw_path,
                                      std::string_view raw_query, const std::string& request_id,
                                      LoggedRequest& entry) {
  const std::optional<std::string_view> project = MatchPortsPath(raw_path);
  if (!project || request.method != "GET") {
    const AuthResult who = auth_.Identify(request);
    entry.auth = who.kind;
    entry.identity = who.identity;
    return ErrorResponse(404, "APIG.0101",
                         "The API does not exist or has not been published in the environment",
                         request_id);
  }
  std::optional<std::vector<QueryParam>> query = ParseQuery(raw_query);
  const std::optional<std::string> decoded_project = PercentDecode(*project);
  if (!query || !decoded_project) {
    const AuthResult who = auth_.Identify(request);
    entry.auth = who.kind;
    entry.identity = who.identity;
    return ErrorResponse(400, "APIG.0201", "Request error: malformed percent-encoding in the URI",
                         request_id);
  }
  if (log_.enabled()) entry.query = *query;

  AuthRequest auth_request;
  auth_request.http = &request;
  auth_request.decoded_path = "/v5/" + *decoded_project + "/asset/ports";
  auth_request.query = &*query;
  auth_request.wall_ms = clock_.wall_ms();
  auth_request.monotonic_ms = clock_.monotonic_ms();
  const AuthResult auth = auth_.Check(auth_request);
  entry.auth = auth.kind;
  entry.identity = auth.identity;
  if (!auth.ok) return ErrorResponse(401, auth.error_code, auth.error_msg, request_id);

  const QuotaDecision quota = quota_.Admit(auth.identity, clock_.monotonic_ms());
  if (!quota.allowed) {
    SimHttpResponse response = ErrorResponse(
        429, "APIG.0308", "The request is throttled. Too many requests for this API.", request_id);
    response.headers.emplace_back("Retry-After", std::to_string(quota.retry_after_s));
    return response;
  }

  FaultRequest fault_request;
  fault_request.path = raw_path;
  fault_request.host_id = FindParam(*query, "host_id");
  fault_request.offset = FindParam(*query, "offset");
  fault_request.limit = FindParam(*query, "limit");
  fault_request.category = FindParam(*query, "category");
  const std::optional<AppliedFault> fault = faults_.Apply(fault_request);

  std::optional<uint64_t> reported_total;
  if (fault && fault->effect.total_num) {
    reported_total = static_cast<uint64_t>(*fault->effect.total_num);
  }
  if (fault_request.host_id != nullptr) {
    std::optional<Category> category = Category::kHost;
    if (fault_request.category != nullptr) category = ParseCategory(*fault_request.category);
    if (category) {
      hosts_.ApplyDueChurn(HostKey{config_.seed, *fault_request.host_id, *category},
                           clock_.monotonic_ms());
    }
  }
  SimHttpResponse response =
      ports_.Handle(*query, request_id, fault ? static_cast<uint64_t>(fault->effect.extra_rows) : 0,
                    reported_total);
  if (fault) {
    entry.fault_rule = fault->rule_id;
    ApplyFault(fault->effect, fault_request.host_id, fault_request.category, request_id, response);
  }
  return response;
}

SimHttpResponse SimService::HandleIam(const SimHttpRequest& request, std::string_view raw_path,
                                      std::string_view raw_query, const std::string& request_id,
                                      LoggedRequest& entry) {
  const bool token_request = raw_path == kIamTokensPath;
  // Counted as in flight from here until Handle records the answer.
  if (token_request) stats_.IamTokenStarted();
  if (config_.iam.latency_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(config_.iam.latency_ms));
  }
  FaultRequest fault_request;
  fault_request.path = raw_path;
  fault_request.iam = true;
  const std::optional<AppliedFault> fault = faults_.Apply(fault_request);
  SimHttpResponse response = token_request
                                 ? iam_.IssueToken(request, clock_.wall_ms(), request_id, entry)
                                 : iam_.ListProjects(request, raw_query, clock_.wall_ms(),
                                                     clock_.monotonic_ms(), request_id, entry);
  if (fault) {
    entry.fault_rule = fault->rule_id;
    ApplyFault(fault->effect, nullptr, nullptr, request_id, response);
  }
  return response;
}

void SimService::ApplyFault(const FaultEffect& effect, const std::string* host_id,
                            const std::string* category, const std::string& request_id,
                            SimHttpResponse& response) const {
  response.delay_ms += effect.latency_ms;
  if (effect.drop_connection || effect.reset_connection) {
    response.delivery = effect.reset_connection ? Delivery::kReset : Delivery::kDrop;
    return;
  }
  if (effect.status || effect.raw_body) {
    response.status = effect.status.value_or(200);
    response.body = effect.raw_body ? *effect.raw_body
                                    : ErrorBody(effect.body_shape, effect.error_code,
                                                effect.error_msg, request_id);
    if (effect.body_shape == BodyShape::kRaw && !effect.content_type) {
      response.content_type = "text/plain;charset=UTF-8";
    }
  }
  if (effect.empty_records > 0) {
    response.status = 200;
    const auto records = static_cast<size_t>(effect.empty_records);
    std::string body = "{\"total_num\":" + std::to_string(records) + ",\"data_list\":[";
    body.reserve(body.size() + 3 * records + 2);
    for (size_t i = 0; i < records; ++i) body += i == 0 ? "{}" : ",{}";
    response.body = std::move(body) + "]}";
  }
  if (effect.nested_depth > 0) {
    response.status = 200;
    const auto depth = static_cast<size_t>(effect.nested_depth);
    response.body =
        "{\"total_num\":1,\"data_list\":" + std::string(depth, '[') + std::string(depth, ']') + "}";
  }
  if (effect.content_type) response.content_type = *effect.content_type;
  if (effect.retry_after) response.headers.emplace_back("Retry-After", *effect.retry_after);
  response.headers.insert(response.headers.end(), effect.headers.begin(), effect.headers.end());
  if (effect.malformed_body) response.body.resize(response.body.size() / 2);
  if (effect.truncate_body) {
    response.delivery = Delivery::kTruncate;
    response.truncate_at = response.body.size() / 2;
  }
  if (effect.oversized_body_bytes > 0) {
    HostKey key{config_.seed, host_id ? *host_id : "oversized", Category::kHost};
    if (category != nullptr && *category == "container") key.category = Category::kContainer;
    std::string record;
    AppendPortRecordJson(GeneratePort(key, 0), record);
    response.delivery = Delivery::kOversized;
    response.oversized_bytes = static_cast<uint64_t>(effect.oversized_body_bytes);
    response.body = std::move(record);
  }
}

}  // namespace hss::sim
