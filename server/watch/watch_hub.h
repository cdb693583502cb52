#ifndef HSS_SERVER_WATCH_WATCH_HUB_H_
#define HSS_SERVER_WATCH_WATCH_HUB_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/connection/ports_connection.h"
#include "server/runtime/call_context.h"
#include "server/runtime/scheduler.h"
#include "server/watch/port_poller.h"
#include "server/watch/watch_options.h"

namespace hss::gateway {

// One WatchPorts call's membership of a poller: leaves it on destruction.
class Watcher {
 public:
  // Watcher `id` of `poller`.
  Watcher(std::shared_ptr<PortPoller> poller, uint64_t id);
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  // Leaves the poller (the last watcher stops it).
  ~Watcher();

  // The next message to write, or the end of the watch (PortPoller::NextFor).
  PortPoller::Next Next() { return poller_->NextFor(id_); }

  // The poll interval in effect, in seconds.
  int interval_seconds() const { return poller_->interval_seconds(); }

  // The poller's statistics (for the call log).
  PortPoller::Stats stats() const { return poller_->stats(); }

 private:
  const std::shared_ptr<PortPoller> poller_;
  const uint64_t id_;
};

// The key of a poller: a hash of (upstream identity, project, the query's
// filters). It never holds a token (the identity is already a hash of it).
std::string WatchKey(const CallContext& context, const std::string& project_id,
                     const hss::ports::v1::ListPortsRequest& query);

// The pollers of a gateway: one per key, however many watchers. Thread-safe.
class WatchHub : public std::enable_shared_from_this<WatchHub> {
 public:
  // Polls through `connection`, timed by `scheduler`.
  WatchHub(std::shared_ptr<PortsConnection> connection, std::shared_ptr<Scheduler> scheduler,
           WatchOptions options);

  // Joins the poller of (context.upstream_identity, project_id, query), or
  // starts one. `notify` runs whenever the watcher's Next() may return
  // something new (see PortPoller::AddWatcher).
  std::unique_ptr<Watcher> Join(const CallContext& context, const std::string& project_id,
                                const hss::ports::v1::ListPortsRequest& query,
                                absl::Duration requested_interval,
                                absl::AnyInvocable<void()> notify);

  // Pollers running.
  size_t pollers() const;

  // The settings.
  const WatchOptions& options() const { return options_; }

 private:
  void Forget(const std::string& key, const PortPoller* poller);

  const std::shared_ptr<PortsConnection> connection_;
  const std::shared_ptr<Scheduler> scheduler_;
  const WatchOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::weak_ptr<PortPoller>> pollers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_WATCH_HUB_H_
