#ifndef HSS_SERVER_AUTH_PROJECT_RESOLVER_H_
#define HSS_SERVER_AUTH_PROJECT_RESOLVER_H_

// Project discovery, as the official SDKs do it when no project id is
// configured: the project of a region is the IAM project named after it,
//
//   GET {iam}/v3/projects?name=<region>   (authenticated with the gateway's
//                                          own credentials: AK/SK or token)
//   → {"projects": [{"id": "...", "name": "<region>", ...}]}
//
// Exactly one match is the answer; zero or several fail (FAILED_PRECONDITION,
// PROJECT_NOT_FOUND / PROJECT_AMBIGUOUS) with a message that says to configure
// --project_id. An answer is cached for the life of the process; one lookup
// per region is in flight at a time however many calls ask. A failed lookup is
// remembered for `failure_backoff`, during which calls fail at once with the
// same status (so a broken configuration does not hammer IAM).
//
// Only meant for gateway-owned credentials (--auth=aksk, --auth=password):
// with passthrough tokens different callers may belong to different accounts.

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/call_waiter.h"
#include "server/auth/credentials.h"
#include "server/http/http_transport.h"
#include "server/runtime/call_context.h"
#include "server/runtime/scheduler.h"

namespace hss::gateway {

// Reads a 2xx answer of GET /v3/projects?name=<region>: returns the id of the
// one project named `region` (entries without a name count as matches), or
// the errors described above. `iam_endpoint` is for messages.
absl::StatusOr<std::string> ProjectIdFromListProjects(const HttpResponse& response,
                                                      absl::string_view region,
                                                      absl::string_view iam_endpoint);

// Receives the project id of a region, or why it is unknown.
using ProjectIdCallback = absl::AnyInvocable<void(absl::StatusOr<std::string>) &&>;

// Settings of a ProjectResolver, fixed at start-up.
struct ProjectResolverOptions {
  // IAM base URL without a trailing '/'.
  std::string iam_endpoint;
  // Limit of one lookup.
  absl::Duration request_timeout = absl::Seconds(30);
  // How long a failed lookup is remembered.
  absl::Duration failure_backoff = absl::Seconds(5);
  // The gateway's identity for messages when IAM rejects it, e.g. "AK ABCD…".
  std::string identity = "the gateway's credentials";
  // How to fix rejected credentials, for messages.
  std::string fix = "check the gateway's credentials";
  // Returns the current time; replaced in tests.
  absl::AnyInvocable<absl::Time() const> clock;
  // Watches waiting calls' deadlines; when null, deadlines are not watched.
  std::shared_ptr<Scheduler> scheduler;
};

// Resolves and caches region → project id through IAM. Thread-safe.
class ProjectResolver : public std::enable_shared_from_this<ProjectResolver> {
 public:
  // Lookups go through `transport`, authenticated by `credentials`.
  static std::shared_ptr<ProjectResolver> Create(ProjectResolverOptions options,
                                                 std::shared_ptr<HttpTransport> transport,
                                                 std::shared_ptr<Credentials> credentials);

  // Calls `done` exactly once with the project id of `region`: at once when it
  // is cached (or a lookup failed moments ago), else when the lookup ends
  // (possibly on a transport thread), with CANCELLED as soon as `context`'s
  // caller cancels, or with DEADLINE_EXCEEDED when its deadline passes (watched
  // through `scheduler`). `context` authenticates the lookup, which is shared:
  // it goes on for the other callers whatever one of them does.
  void Resolve(const std::string& region, const CallContext& context, ProjectIdCallback done);

  // Returns the cached project id of `region`, or "".
  std::string Cached(const std::string& region) const;

  // IAM lookups started so far (for tests and metrics).
  int lookups() const;

 private:
  // The lookups of one region.
  struct RegionState {
    std::string project_id;
    bool resolving = false;
    std::vector<std::shared_ptr<CallWaiter<std::string>>> waiters;
    absl::Status failure;
    absl::Time retry_at = absl::InfinitePast();
  };

  ProjectResolver(ProjectResolverOptions options, std::shared_ptr<HttpTransport> transport,
                  std::shared_ptr<Credentials> credentials);
  void Lookup(const std::string& region, const CallContext& context);
  void Finish(const std::string& region, absl::StatusOr<std::string> result);

  const ProjectResolverOptions options_;
  const std::shared_ptr<HttpTransport> transport_;
  const std::shared_ptr<Credentials> credentials_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, RegionState> regions_ ABSL_GUARDED_BY(mu_);
  int lookups_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_AUTH_PROJECT_RESOLVER_H_
