#ifndef HSS_SERVER_WATCH_WATCH_OPTIONS_H_
#define HSS_SERVER_WATCH_WATCH_OPTIONS_H_

#include "absl/time/time.h"

namespace hss::gateway {

// Settings of WatchPorts (the --watch_* flags), fixed at start-up.
struct WatchOptions {
  // Poll interval when the request asks for none (--watch_default_interval).
  absl::Duration default_interval = absl::Seconds(30);
  // No poller polls more often (--watch_min_interval).
  absl::Duration min_interval = absl::Seconds(10);
  // A watcher that got nothing for this long gets a `synced` message without
  // changes after the next poll (--watch_heartbeat).
  absl::Duration heartbeat = absl::Seconds(60);
  // Polls failing for this long end every watcher with the last failure
  // (--watch_max_failure).
  absl::Duration max_failure = absl::Minutes(5);
  // Change messages that may wait for one watcher; beyond, it gets a reset
  // snapshot instead (--watch_max_pending_messages).
  int max_pending_messages = 64;
  // Changes per WatchPortsResponse, at most.
  int max_changes_per_message = 500;
  // Ports per upstream page of a poll's walk.
  int page_size = 200;
  // Upstream calls per minute one identity may make (the rate limiter's
  // per-identity limit); 0 = none. A poll of N pages then waits at least
  // N minutes / this between polls.
  int upstream_calls_per_minute = 0;
  // The longest a failed poll waits before the next one (backoff cap; the
  // interval itself when that is longer).
  absl::Duration max_backoff = absl::Seconds(60);
};

// The interval a poller polls at: `requested` (ZeroDuration = the default),
// at least min_interval, at least what upstream_calls_per_minute allows for
// `pages` pages per poll, rounded up to whole seconds.
absl::Duration EffectiveInterval(const WatchOptions& options, absl::Duration requested, int pages);

}  // namespace hss::gateway

#endif  // HSS_SERVER_WATCH_WATCH_OPTIONS_H_
