#include "server/rest/rest_hss_stub.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http/upstream_error.h"
#include "server/rest/port_json_mapper.h"
#include "server/rest/upstream_query.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/metrics_recorder.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

absl::StatusOr<PortsPage> PortsPageFromResponse(HttpResponse response, absl::Time now,
                                                int max_records) {
  if (response.status < 200 || response.status > 299) return UpstreamHttpError(response, now);
  auto mapped = MapListPortsBody(std::move(response.body), max_records);  // Parsed in place.
  const absl::string_view request_id = response.Header("X-Request-Id");
  if (!mapped.ok()) {
    absl::Status status = mapped.status();
    AddErrorMetadata(status, kMetaHttpStatus, absl::StrCat(response.status));
    if (!request_id.empty()) {
      AddErrorMetadata(status, kMetaUpstreamRequestId, request_id);
      SetRequestId(status, request_id);
    }
    return status;
  }
  PortsPage page;
  page.response = std::move(mapped->response);
  page.has_total_num = mapped->has_total_num;
  page.skipped_values = mapped->skipped_values;
  page.request_id = std::string(request_id);
  page.http_status = response.status;
  return page;
}

RestHssStub::RestHssStub(RestHssStubOptions options, std::shared_ptr<HttpTransport> transport,
                         std::shared_ptr<Credentials> credentials)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      credentials_(std::move(credentials)) {}

void RestHssStub::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                 const hss::ports::v1::ListPortsRequest& request,
                                 PortsPageCallback done) {
  Attempt(BuildUrl(options_.endpoint, ListPortsTarget(project_id, request)), context,
          /*may_retry=*/true, MaxRecordsForLimit(request.limit()), std::move(done));
}

namespace {

// True for the API gateway's "token expired" answer (401 APIG.0307).
bool IsTokenExpired(const HttpResponse& response) {
  return response.status == 401 &&
         absl::EqualsIgnoreCase(ParseUpstreamErrorBody(response.body, response.status).code,
                                "APIG.0307");
}

// The caller's deadline passed (or leaves only the margin) before the upstream request.
absl::Status DeadlineLeftNoTime() {
  return MakeError(absl::StatusCode::kDeadlineExceeded,
                   "the caller's deadline left no time for the upstream request",
                   kReasonDeadlineExceeded);
}

// Reports one ended HSS request to the metrics.
void RecordUpstreamRequest(const absl::StatusOr<HttpResponse>& response, absl::Duration latency) {
  if (!response.ok()) {
    Metrics().UpstreamRequest(0, "", latency);
  } else if (response->status >= 200 && response->status <= 299) {
    Metrics().UpstreamRequest(response->status, "", latency);
  } else {
    Metrics().UpstreamRequest(
        response->status, ParseUpstreamErrorBody(response->body, response->status).code, latency);
  }
}

}  // namespace

void RestHssStub::Attempt(std::string url, const CallContext& context, bool may_retry,
                          int max_records, PortsPageCallback done) {
  const absl::Time answer_by = context.deadline - options_.deadline_margin;
  if (answer_by <= options_.clock()) {
    std::move(done)(DeadlineLeftNoTime());
    return;
  }
  HttpRequest http;
  http.method = "GET";
  http.url = url;
  http.headers.emplace_back("Accept", "application/json");
  if (!context.trace.trace_id.empty()) {
    http.headers.emplace_back("traceparent", context.trace.Traceparent());
    if (!context.trace.tracestate.empty()) {
      http.headers.emplace_back("tracestate", context.trace.tracestate);
    }
  }
  // Waiting for credentials (e.g. an IAM token) ends by the time the gateway
  // must answer, with a precise status.
  CallContext authorize_context = context;
  authorize_context.deadline = answer_by;

  credentials_->Authorize(
      std::move(http), authorize_context,
      [this, url = std::move(url), context, may_retry, answer_by, max_records,
       done = std::move(done)](absl::StatusOr<HttpRequest> authorized) mutable {
        if (!authorized.ok()) {
          std::move(done)(authorized.status());
          return;
        }
        // The attempt's time counts from now: Authorize may have waited.
        const absl::Duration left = answer_by - options_.clock();
        if (left <= absl::ZeroDuration()) {
          std::move(done)(DeadlineLeftNoTime());
          return;
        }
        authorized->timeout = std::min(left, options_.per_attempt_timeout);
        authorized->timeout_is_caller_deadline = left < options_.per_attempt_timeout;
        // What was sent, for Credentials::OnTokenRejected.
        std::optional<HttpRequest> sent;
        if (may_retry) sent = *authorized;
        Send(*std::move(authorized), context,
             [this, url = std::move(url), context, sent = std::move(sent), max_records,
              done = std::move(done)](absl::StatusOr<HttpResponse> response) mutable {
               if (response.ok() && sent.has_value() && IsTokenExpired(*response) &&
                   credentials_->OnTokenRejected(*sent)) {
                 Attempt(std::move(url), context, /*may_retry=*/false, max_records,
                         std::move(done));
                 return;
               }
               if (!response.ok()) {
                 std::move(done)(response.status());
                 return;
               }
               const absl::Time answered = options_.clock();
               if (options_.decode_pool != nullptr && response->status >= 200 &&
                   response->status <= 299 && response->body.size() >= options_.offload_min_bytes) {
                 options_.decode_pool->Run([response = *std::move(response), answered, max_records,
                                            done = std::move(done)]() mutable {
                   std::move(done)(
                       PortsPageFromResponse(std::move(response), answered, max_records));
                 });
                 return;
               }
               std::move(done)(PortsPageFromResponse(*std::move(response), answered, max_records));
             });
      });
}

void RestHssStub::Send(HttpRequest request, const CallContext& context, HttpCallback done) {
  if (context.cancellation->cancelled()) {
    std::move(done)(CallerCancelledError());
    return;
  }
  // The transfer may finish (on the transport thread) before its cancellation
  // hook is registered; the shared state lets the hook be dropped either way.
  struct State {
    absl::Mutex mu;
    bool finished = false;
    Cancellation::Handle hook = 0;
  };
  auto state = std::make_shared<State>();
  auto cancellation = context.cancellation;
  const absl::Time sent = absl::Now();
  HttpRequestId id =
      transport_->Start(std::move(request), [state, cancellation, sent, done = std::move(done)](
                                                absl::StatusOr<HttpResponse> response) mutable {
        RecordUpstreamRequest(response, absl::Now() - sent);
        Cancellation::Handle hook;
        {
          absl::MutexLock lock(&state->mu);
          state->finished = true;
          hook = state->hook;
        }
        if (hook != 0) cancellation->Unregister(hook);
        if (!response.ok()) {
          absl::Status status = response.status();
          if (status.code() == absl::StatusCode::kCancelled) {
            status = CallerCancelledError();
          }
          std::move(done)(std::move(status));
          return;
        }
        std::move(done)(std::move(response));
      });
  Cancellation::Handle hook =
      cancellation->OnCancel([transport = transport_, id] { transport->Cancel(id); });
  absl::MutexLock lock(&state->mu);
  if (state->finished) {
    cancellation->Unregister(hook);
  } else {
    state->hook = hook;
  }
}

}  // namespace hss::gateway
