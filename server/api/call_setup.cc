#include "server/api/call_setup.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/aksk_signer.h"
#include "server/api/call_log.h"
#include "server/api/caller_identity.h"
#include "server/api/grpc_status.h"
#include "server/runtime/log.h"
#include "server/runtime/status_details.h"
#include "server/runtime/trace_context.h"

namespace hss::gateway {
namespace {

// Every value of metadata `key`, joined with ',' (how HTTP combines repeated
// headers; a tracestate may come split across several).
std::string MetadataValue(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                          absl::string_view key) {
  std::string joined;
  const auto [begin, end] = metadata.equal_range(grpc::string_ref(key.data(), key.size()));
  for (auto it = begin; it != end; ++it) {
    if (!joined.empty()) joined.push_back(',');
    joined.append(it->second.data(), it->second.size());
  }
  return joined;
}

// A cancellation this close before the deadline counts as the deadline: the
// clock gRPC's deadline timer runs on and absl::Now() may differ slightly.
constexpr absl::Duration kDeadlineClockSlack = absl::Milliseconds(1);

}  // namespace

std::string PassthroughTokenFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  if (auto it = metadata.find("x-auth-token"); it != metadata.end()) {
    return std::string(it->second.data(), it->second.size());
  }
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    constexpr absl::string_view kBearer = "bearer ";
    if (value.size() > kBearer.size() && absl::StartsWithIgnoreCase(value, kBearer)) {
      return std::string(absl::StripAsciiWhitespace(value.substr(kBearer.size())));
    }
  }
  return "";
}

CallContext MakeCallContext(const PortServiceOptions& options,
                            const grpc::CallbackServerContext& context) {
  CallContext call;
  const auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    call.deadline = absl::FromChrono(deadline);
  }
  const auto& metadata = context.client_metadata();
  call.passthrough_token = PassthroughTokenFromMetadata(metadata);
  call.upstream_identity = options.gateway_identity;
  if (call.upstream_identity.empty() && !call.passthrough_token.empty()) {
    // Quotas, coalescing and the cache are per caller token; only a hash is kept.
    call.upstream_identity =
        absl::StrCat("token:", hss::HexSha256(call.passthrough_token).substr(0, 32));
  }
  call.trace = JoinOrStartTrace(MetadataValue(metadata, "traceparent"),
                                MetadataValue(metadata, "tracestate"));
  if (auto it = metadata.find("cache-control"); it != metadata.end()) {
    call.bypass_cache = absl::StrContains(
        absl::AsciiStrToLower(absl::string_view(it->second.data(), it->second.size())), "no-cache");
  }
  return call;
}

void ResolveProject(const PortServiceOptions& options, const std::string& requested,
                    const CallContext& call, ProjectIdCallback done) {
  if (!requested.empty()) {
    std::move(done)(requested);
  } else if (!options.default_project_id.empty() || options.project_resolver == nullptr ||
             options.region.empty()) {
    std::move(done)(options.default_project_id);
  } else {
    options.project_resolver->Resolve(options.region, call, std::move(done));
  }
}

Caller CallerIfAuthorizing(const PortServiceOptions& options,
                           const grpc::CallbackServerContext& context) {
  if (options.authz == nullptr) return Caller();
  return CallerOf(context, options.authz_trusted_identity_header);
}

absl::Status Authorize(const PortServiceOptions& options, const Caller& caller,
                       absl::string_view method, const std::string& project_id,
                       const std::string& host_id) {
  if (options.authz == nullptr) return absl::OkStatus();
  return options.authz->policy()->Check(caller, method, project_id, host_id);
}

absl::Status CallerCancelledStatus(const CallContext& call) {
  if (absl::Now() >= call.deadline - kDeadlineClockSlack) {
    return MakeError(absl::StatusCode::kDeadlineExceeded,
                     "the caller's deadline expired before the call ended", "DEADLINE_EXCEEDED");
  }
  return MakeError(absl::StatusCode::kCancelled, "the caller cancelled the call", "CANCELLED");
}

grpc::Status EndCall(const PortServiceOptions& options, RpcMethod method,
                     absl::string_view method_name, grpc::CallbackServerContext& context,
                     const CallContext& call, const Caller& caller, absl::Time start,
                     const absl::Status& status, absl::FunctionRef<void(CallRecord&)> fill) {
  const absl::Time now = absl::Now();
  grpc::Status grpc_status = ToGrpcStatus(status);
  Metrics().RpcHandled(method, grpc_status.error_code(), now - start);
  if (options.log_calls) {
    CallRecord record;
    record.method = method_name;
    record.status = status;
    record.latency = now - start;
    record.trace_id = call.trace.trace_id;
    record.span_id = call.trace.span_id;
    const std::string primary = options.authz != nullptr ? caller.primary() : "";
    record.caller = primary;
    fill(record);
    WriteLogLine(FormatCallRecord(record, now));
  }
  if (auto pushback = RetryPushbackMs(status)) {
    context.AddTrailingMetadata(kRetryPushbackTrailer, *pushback);
  }
  return grpc_status;
}

grpc::Status RefuseUnparsable(const PortServiceOptions& options, RpcMethod method,
                              absl::string_view method_name, const absl::Status& status) {
  Metrics().RpcStarted(method);
  grpc::Status grpc_status = ToGrpcStatus(status);
  Metrics().RpcHandled(method, grpc_status.error_code(), absl::ZeroDuration());
  if (options.log_calls) {
    CallRecord record;
    record.method = method_name;
    record.status = status;
    WriteLogLine(FormatCallRecord(record, absl::Now()));
  }
  return grpc_status;
}

}  // namespace hss::gateway
