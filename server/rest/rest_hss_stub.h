#ifndef HSS_SERVER_REST_REST_HSS_STUB_H_
#define HSS_SERVER_REST_REST_HSS_STUB_H_

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/auth/credentials.h"
#include "server/http/http_transport.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/work_pool.h"

namespace hss::gateway {

// Settings of the REST stub, fixed at start-up.
struct RestHssStubOptions {
  // HSS base URL, e.g. "https://hss.cn-north-4.myhuaweicloud.com".
  std::string endpoint;
  // Upper bound for one upstream attempt, whatever the caller's deadline.
  absl::Duration per_attempt_timeout = absl::Seconds(30);
  // Time kept back from the caller's deadline so that the gateway can still
  // answer with a precise status before the caller gives up.
  absl::Duration deadline_margin = absl::Milliseconds(20);
  // Returns the current time; replaced in tests.
  absl::AnyInvocable<absl::Time() const> clock = [] { return absl::Now(); };
  // When set, successful answers of at least `offload_min_bytes` are mapped on
  // this pool instead of the transport's thread, and `done` runs there.
  std::shared_ptr<WorkPool> decode_pool;
  // Smaller answers are mapped at once: the thread hop would cost more.
  size_t offload_min_bytes = 16 * 1024;
};

// HssStub over HTTP: builds the URL from the validated request (every value
// percent-encoded), authenticates it, sends it through an HttpTransport, and
// maps the answer (JSON → proto, HTTP status → status with details). When the
// upstream answers 401 APIG.0307 (token expired) and the credentials
// invalidate the token (Credentials::OnTokenRejected), the call is
// authenticated and sent once more.
class RestHssStub final : public HssStub {
 public:
  RestHssStub(RestHssStubOptions options, std::shared_ptr<HttpTransport> transport,
              std::shared_ptr<Credentials> credentials);

  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

 private:
  // Authenticates and sends one attempt at `url`; `may_retry` allows one more
  // attempt after an expired token. Authorize() is given the deadline minus
  // the margin; the attempt's timeout is computed once it has finished (it may
  // have waited for a token), and nothing is sent when no time is left. The
  // page keeps at most `max_records` ports.
  void Attempt(std::string url, const CallContext& context, bool may_retry, int max_records,
               PortsPageCallback done);
  // Sends an authenticated request, honouring the caller's cancellation.
  void Send(HttpRequest request, const CallContext& context, HttpCallback done);

  const RestHssStubOptions options_;
  const std::shared_ptr<HttpTransport> transport_;
  const std::shared_ptr<Credentials> credentials_;
};

// Maps a complete HTTP response to a page (2xx) or a status (anything else).
// `now` dates Retry-After. A page keeps its first `max_records` ports (the
// request's limit, see MaxRecordsForLimit()); more rows are dropped unbuilt.
absl::StatusOr<PortsPage> PortsPageFromResponse(HttpResponse response, absl::Time now,
                                                int max_records);

}  // namespace hss::gateway

#endif  // HSS_SERVER_REST_REST_HSS_STUB_H_
