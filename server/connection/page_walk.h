#ifndef HSS_SERVER_CONNECTION_PAGE_WALK_H_
#define HSS_SERVER_CONNECTION_PAGE_WALK_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/connection/stream_buffer_budget.h"
#include "server/rest/hss_stub.h"
#include "server/runtime/call_context.h"

namespace hss::gateway {

// How a walk pages through the upstream.
struct PageWalkOptions {
  // Ports per upstream page (10-200).
  int page_size = 200;
  // Offset of the walk's first page.
  int start_offset = 0;
  // The prefetch window: pages fetched or being fetched but not yet taken by
  // the consumer. It starts at `prefetch_initial_pages`, doubles (up to
  // `prefetch_max_pages`) each time the consumer has to wait for the upstream,
  // and shrinks by one (not below `prefetch_initial_pages`) each time the
  // consumer finds more pages waiting for it than the one it takes. Equal
  // values give a fixed window.
  int prefetch_initial_pages = 1;
  int prefetch_max_pages = 8;
  // Shared by every walk: bytes of pages fetched ahead of their consumers.
  // Null: no limit but the window.
  std::shared_ptr<StreamBufferBudget> budget;
  // Attempts per page for UNAVAILABLE failures (1 = no retry).
  int max_attempts = 2;
  // Highest offset the upstream accepts; a walk that needs more ends with OUT_OF_RANGE.
  int max_offset = 2'000'000;
};

// Walks all pages of a ListPorts query in upstream order: pipelined (an
// adaptive window of fetches ahead of the consumer, within the shared buffer
// budget), back-pressured (nothing is fetched beyond the window until the
// consumer takes a page), and bounded (it ends on
// an empty or short page, at offset >= total_num, on a page repeating the one
// before, or past `max_offset`). Thread-safe.
//
// Pages sit at start_offset + k * page_size. A page carrying more than
// `page_size` ports (an upstream that ignores `limit`) is cut to its first
// `page_size`, and the walk goes on at offset + page_size: no port is skipped
// or repeated, and every page the walk waits for is one it fetched.
//
// The consumer calls Next() whenever `notify` runs and whenever it is ready for
// another page; Next() hands out pages strictly in order.
//
// Cancellation and the caller's deadline end the walk in every state, also
// when it has pages buffered or nothing in flight: the moment
// `context.cancellation` fires, the walk drops its buffered pages, cancels its
// fetches and runs `notify`; Next() then returns kDone (once the cancelled
// fetches have reported back) with DEADLINE_EXCEEDED if `context.deadline`
// has passed, CANCELLED otherwise, and `resumeOffset` = the first port not
// delivered. The deadline needs no timer of the walk's own: a gRPC server
// cancels a call when its deadline passes (the reactor's OnCancel fires the
// cancellation), and fetches in flight end at the deadline in the transport.
class PageWalk : public std::enable_shared_from_this<PageWalk> {
 public:
  // What Next() returns.
  struct Step {
    enum Kind {
      // `page` is the next page; more may follow.
      kPage,
      // Nothing is ready yet; `notify` will run when something is.
      kWaiting,
      // The walk is over with `status` and no upstream request is in flight.
      // A failed walk's ErrorInfo metadata holds `resumeOffset`.
      kDone,
    };
    Kind kind = kWaiting;
    hss::ports::v1::StreamPortsResponse page;
    absl::Status status;
  };

  // Observed facts of a walk, for the call log.
  struct Stats {
    int pages_fetched = 0;
    // The prefetch window now, and the largest it was.
    int window = 0;
    int max_window = 0;
    // Pages not fetched ahead because the buffer budget was spent.
    int budget_refusals = 0;
    int retries = 0;
    int last_http_status = 0;
    std::string last_request_id;
  };

  // `notify` runs (on any thread, with no lock held) whenever Next() may return
  // something new. `context.cancellation` cancels the walk.
  static std::shared_ptr<PageWalk> Create(std::shared_ptr<HssStub> stub, const CallContext& context,
                                          std::string project_id,
                                          hss::ports::v1::ListPortsRequest query,
                                          PageWalkOptions options,
                                          absl::AnyInvocable<void()> notify);

  // Issues the first fetch.
  void Start();

  // Takes the next page in order, if there is one.
  Step Next();

  // Snapshot of the walk's statistics.
  Stats stats() const;

  // Unregisters from the caller's cancellation; gives back its buffer budget.
  ~PageWalk();

 private:
  // A cancellation this close before the deadline counts as the deadline: the
  // clock gRPC's deadline timer runs on and absl::Now() may differ slightly.
  static constexpr absl::Duration kDeadlineClockSlack = absl::Milliseconds(1);
  // Budget bytes per port asked for before the walk has seen a page.
  static constexpr int64_t kPortBytesEstimate = 256;

  struct Fetched {
    absl::StatusOr<PortsPage> result;
  };

  PageWalk(std::shared_ptr<HssStub> stub, const CallContext& context, std::string project_id,
           hss::ports::v1::ListPortsRequest query, PageWalkOptions options,
           absl::AnyInvocable<void()> notify);

  // Picks the offsets to fetch now (and counts them in flight); the caller
  // issues them with Fetch() after releasing the lock.
  std::vector<int> PlanFetches() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Fetch(int offset, int attempt);
  void OnFetched(int offset, int attempt, absl::StatusOr<PortsPage> result);
  void EndWith(absl::Status status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sets the budget the page at `offset` holds to `bytes` (0 drops it).
  void HoldBytes(int offset, int64_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Ends the walk with CANCELLED or DEADLINE_EXCEEDED and runs `notify`.
  void OnCallerCancelled();

  const std::shared_ptr<HssStub> stub_;
  const CallContext parent_;
  // The walk's own context: cancelled by the caller, or by the walk when it ends early.
  CallContext context_;
  const std::string project_id_;
  const hss::ports::v1::ListPortsRequest query_;
  const PageWalkOptions options_;
  absl::AnyInvocable<void()> notify_;

  mutable absl::Mutex mu_;
  int next_fetch_offset_ ABSL_GUARDED_BY(mu_);
  int deliver_offset_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int, absl::StatusOr<PortsPage>> fetched_ ABSL_GUARDED_BY(mu_);
  // The prefetch window (see PageWalkOptions).
  int window_ ABSL_GUARDED_BY(mu_);
  // Set when Next() found the consumer's page missing, until it is delivered.
  bool consumer_waiting_ ABSL_GUARDED_BY(mu_) = false;
  // Budget bytes held per offset (in flight: an estimate; fetched: the page's size).
  std::map<int, int64_t> held_bytes_ ABSL_GUARDED_BY(mu_);
  // What a page of this walk is expected to take: the last one's size.
  int64_t page_bytes_estimate_ ABSL_GUARDED_BY(mu_);
  std::optional<int> known_total_ ABSL_GUARDED_BY(mu_);
  std::optional<uint64_t> previous_page_fingerprint_ ABSL_GUARDED_BY(mu_);
  // Set once the walk's outcome is decided; nothing more is fetched or delivered.
  std::optional<absl::Status> final_status_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  // The walk's action on the caller's cancellation, unregistered on destruction.
  Cancellation::Handle parent_hook_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_CONNECTION_PAGE_WALK_H_
