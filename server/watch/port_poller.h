#ifndef HSS_SERVER_WATCH_PORT_POLLER_H_
#define HSS_SERVER_WATCH_PORT_POLLER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/connection/ports_connection.h"
#include "server/runtime/call_context.h"
#include "server/runtime/scheduler.h"
#include "server/watch/port_identity.h"
#include "server/watch/watch_message.h"
#include "server/watch/watch_options.h"
#include "server/watch/watcher_queue.h"

namespace hss::gateway {

// Polls one server's ports (one key: upstream identity, project, filters) for
// every watcher of it: each interval it walks all pages once through
// PortsConnection::NewWalk (so through the rate limiter, cache and
// coalescing), diffs the result with the state of the last poll (port_diff.h)
// and fans the changes out to each watcher's bounded queue (WatcherQueue). A
// new watcher's first messages are a snapshot of the last completed poll (no
// upstream call); before the first poll completes it waits for it.
//
// Timers run on the Scheduler: no thread per poller or per watcher. A failed
// poll keeps the state and retries after a backoff (the interval doubled per
// failure, up to max(interval, max_backoff)); polls failing for max_failure
// end every watcher with the failure; so does a first poll that fails for good
// (INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND,
// FAILED_PRECONDITION, OUT_OF_RANGE, UNIMPLEMENTED: no snapshot would ever
// come). A poll that completes with nothing
// changed sends nothing, except a `synced` heartbeat to watchers that got
// nothing for `heartbeat`. A port missing from a poll is reported
// KIND_REMOVED only when the walk was complete and consistent (every page
// reported one total_num and the walk delivered that many ports).
//
// The poller stops (timer and walk cancelled) when its last watcher leaves,
// and runs `on_idle` then. Thread-safe.
class PortPoller : public std::enable_shared_from_this<PortPoller> {
 public:
  // What a watcher's stream writes next.
  struct Next {
    // A message to write, if one is ready (else null).
    SharedWatchMessage message;
    // Set when the watch is over (after max_failure): end it with this.
    std::optional<absl::Status> end;
  };

  // Observed facts, for tests and the call log.
  struct Stats {
    // Polls that completed (successfully).
    int polls = 0;
    // Polls that failed.
    int failed_polls = 0;
    // Polls started (walks issued).
    int started_polls = 0;
    // Changes fanned out (counted once per poll, not per watcher).
    long long changes = 0;
    // Pages of the last completed poll.
    int pages = 0;
  };

  // A poller for `query` in `project_id`, calling the upstream as `context`
  // (its token and identity; its cancellation and deadline are not used).
  // `on_idle` runs once, without locks held, when the last watcher left.
  static std::shared_ptr<PortPoller> Create(std::shared_ptr<PortsConnection> connection,
                                            std::shared_ptr<Scheduler> scheduler,
                                            WatchOptions options, CallContext context,
                                            std::string project_id,
                                            hss::ports::v1::ListPortsRequest query,
                                            absl::AnyInvocable<void()> on_idle);

  // Adds a watcher asking for `requested_interval` (ZeroDuration: the
  // default); `notify` runs (any thread, no lock held) whenever NextFor() may
  // return something new. The first watcher starts polling. nullopt when the
  // poller has stopped (the caller starts a new one).
  std::optional<uint64_t> AddWatcher(absl::Duration requested_interval,
                                     absl::AnyInvocable<void()> notify);

  // Removes watcher `id`; the last one stops the poller.
  void RemoveWatcher(uint64_t id);

  // Takes watcher `id`'s next message (a snapshot first when its queue needs
  // a reset and a poll has completed).
  Next NextFor(uint64_t id);

  // The interval in effect, in whole seconds.
  int interval_seconds() const;

  // Snapshot of the statistics.
  Stats stats() const;

  // Cancels the timer and any walk.
  ~PortPoller();

 private:
  using Notify = std::shared_ptr<absl::AnyInvocable<void()>>;
  struct Slot {
    explicit Slot(size_t max_pending) : queue(max_pending) {}
    WatcherQueue queue;
    Notify notify;
    // When this watcher was last sent something (heartbeats).
    absl::Time last_sent = absl::InfinitePast();
  };

  PortPoller(std::shared_ptr<PortsConnection> connection, std::shared_ptr<Scheduler> scheduler,
             WatchOptions options, CallContext context, std::string project_id,
             hss::ports::v1::ListPortsRequest query, absl::AnyInvocable<void()> on_idle);

  void StartPoll();
  void PumpWalk();
  void OnPollDone(absl::Status status);
  void ScheduleLocked(absl::Duration delay) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StopLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static void RunAll(const std::vector<Notify>& notifies);

  const std::shared_ptr<PortsConnection> connection_;
  const std::shared_ptr<Scheduler> scheduler_;
  const WatchOptions options_;
  const CallContext context_;
  const std::string project_id_;
  const hss::ports::v1::ListPortsRequest query_;

  mutable absl::Mutex mu_;
  absl::AnyInvocable<void()> on_idle_ ABSL_GUARDED_BY(mu_);
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Slot> watchers_ ABSL_GUARDED_BY(mu_);
  absl::Duration requested_ ABSL_GUARDED_BY(mu_) = absl::InfiniteDuration();
  absl::Duration interval_ ABSL_GUARDED_BY(mu_);
  TimerId timer_ ABSL_GUARDED_BY(mu_) = 0;
  // The poll in flight.
  std::shared_ptr<PageWalk> walk_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Cancellation> walk_cancel_ ABSL_GUARDED_BY(mu_);
  bool pumping_ ABSL_GUARDED_BY(mu_) = false;
  bool pump_again_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<hss::ports::v1::Port> rows_ ABSL_GUARDED_BY(mu_);
  int pages_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<int> walk_total_ ABSL_GUARDED_BY(mu_);
  bool walk_consistent_ ABSL_GUARDED_BY(mu_) = true;
  // The ports of the last completed poll (with removals withheld by
  // incomplete polls), once there is one.
  std::optional<PortSet> state_ ABSL_GUARDED_BY(mu_);
  // state_'s snapshot messages, built once for every watcher that needs one
  // until the next completed poll (empty: not built yet).
  std::vector<SharedWatchMessage> snapshot_ ABSL_GUARDED_BY(mu_);
  // First failure of the current run of failed polls.
  std::optional<absl::Time> failing_since_ ABSL_GUARDED_BY(mu_);
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<absl::Status> end_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_PORT_POLLER_H_
