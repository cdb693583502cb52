#ifndef HSS_SERVER_API_CALL_SETUP_H_
#define HSS_SERVER_API_CALL_SETUP_H_

// What every PortService reactor does the same way: read the call's context
// from gRPC, find its project and caller, check the policy, say why gRPC
// cancelled it, and refuse a call that cannot start.

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <map>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/api/call_log.h"
#include "server/api/port_service_options.h"
#include "server/authz/caller.h"
#include "server/runtime/call_context.h"
#include "server/runtime/metrics_recorder.h"

namespace hss::gateway {

// Returns the caller's upstream token from metadata `x-auth-token`, or from
// `authorization: Bearer <token>`; empty if neither is present.
std::string PassthroughTokenFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata);

// The CallContext of a call: its deadline, passthrough token, upstream
// identity (the gateway's, else a hash of the caller's token), trace context
// (joined from `traceparent`/`tracestate`, else new) and cache bypass
// (`cache-control: no-cache`).
CallContext MakeCallContext(const PortServiceOptions& options,
                            const grpc::CallbackServerContext& context);

// Calls `done` with the project of a request: its own, else the gateway's
// default, else (gateway-owned credentials, a region, no default) the one IAM
// names for the region. "" when there is none: validation then says so.
void ResolveProject(const PortServiceOptions& options, const std::string& requested,
                    const CallContext& call, ProjectIdCallback done);

// The caller, when a policy is set (its identities are read only then).
Caller CallerIfAuthorizing(const PortServiceOptions& options,
                           const grpc::CallbackServerContext& context);

// OK when no policy is set or the policy allows the call.
absl::Status Authorize(const PortServiceOptions& options, const Caller& caller,
                       absl::string_view method, const std::string& project_id,
                       const std::string& host_id);

// The status of a call that gRPC cancelled (OnCancel): the caller's deadline
// passed (DEADLINE_EXCEEDED), or the caller (or the server's shutdown)
// cancelled it (CANCELLED).
absl::Status CallerCancelledStatus(const CallContext& call);

// Serializes `message` into `out` (replacing what it held) as gRPC would for a
// typed method.
template <typename Message>
void SerializeTo(const Message& message, grpc::ByteBuffer& out) {
  out.Clear();  // gRPC's writer fills an empty buffer only.
  bool own_buffer = false;
  // Serializing an in-memory message into a fresh buffer does not fail.
  (void)grpc::SerializationTraits<Message>::Serialize(message, &out, &own_buffer);
}

// What every call does as it finishes with `status`: counts it
// (RpcHandled), writes its log line when options.log_calls (`fill` adds the
// method's own fields: host, pages, ports, upstream status; method, status,
// latency, trace and caller are set here), adds `grpc-retry-pushback-ms` to
// the trailers when the status carries a RetryInfo, and returns the
// grpc::Status to finish with.
grpc::Status EndCall(const PortServiceOptions& options, RpcMethod method,
                     absl::string_view method_name, grpc::CallbackServerContext& context,
                     const CallContext& call, const Caller& caller, absl::Time start,
                     const absl::Status& status, absl::FunctionRef<void(CallRecord&)> fill);

// A server-streaming call refused before it started: finishes at once and
// deletes itself when gRPC is done with it.
class RefusedWriteReactor final : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 public:
  // Finishes the call with `status`.
  explicit RefusedWriteReactor(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

// Ends a call whose request bytes did not parse: counted, logged (without a
// host, which the bytes did not yield); returns the status to answer with.
grpc::Status RefuseUnparsable(const PortServiceOptions& options, RpcMethod method,
                              absl::string_view method_name, const absl::Status& status);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_CALL_SETUP_H_
