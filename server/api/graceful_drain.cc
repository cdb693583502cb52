#include "server/api/graceful_drain.h"

#include <grpcpp/health_check_service_interface.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "server/runtime/log.h"

namespace hss::gateway {
namespace {

// How often the drain looks whether Shutdown has finished while it waits for
// a signal: bounds how late a finished drain notices.
constexpr absl::Duration kPollInterval = absl::Milliseconds(50);

}  // namespace

DrainOutcome DrainServer(grpc::Server& server, PortService& service, const DrainOptions& options,
                         StopSignalWait wait_for_signal) {
  if (auto* health = server.GetHealthCheckService()) health->SetServingStatus(false);
  LogEvent("info", absl::StrCat("draining: health NOT_SERVING; pre-stop ",
                                absl::FormatDuration(options.prestop), " (listener open), then ",
                                absl::FormatDuration(options.drain_timeout),
                                " for calls in flight; a second signal exits at once"));
  if (options.prestop > absl::ZeroDuration() && wait_for_signal(options.prestop)) {
    service.EndStreamsForDrain();
    LogEvent("warning", "second stop signal during pre-stop: exiting without draining");
    return DrainOutcome::kForced;
  }

  const absl::Time streams_end = absl::Now() + options.drain_timeout;
  const absl::Time cancel_at = streams_end + options.final_write_grace;
  // Shared: a forced end leaves the thread running while the caller exits.
  auto shut_down = std::make_shared<absl::Notification>();
  // One thread for the whole drain: Shutdown blocks until the calls end.
  std::thread shutdown([&server, shut_down, cancel_at] {
    server.Shutdown(absl::ToChronoTime(cancel_at));
    shut_down->Notify();
  });
  LogEvent("info", "draining: listener closed, no new calls");
  bool forced = false;
  bool streams_ended = false;
  while (!shut_down->HasBeenNotified()) {
    const absl::Time now = absl::Now();
    if (!streams_ended && now >= streams_end) {
      LogEvent("info", "drain deadline: ending the streams in flight with GATEWAY_DRAINING");
      service.EndStreamsForDrain();
      streams_ended = true;
    }
    const absl::Duration slice =
        streams_ended ? kPollInterval : std::min(kPollInterval, streams_end - now);
    if (wait_for_signal(std::max(slice, absl::Milliseconds(1)))) {
      forced = true;
      break;
    }
  }
  if (forced) {
    service.EndStreamsForDrain();
    LogEvent("warning", "second stop signal during the drain: exiting without waiting");
    // Shutdown still runs (and holds the server); the caller exits the process.
    shutdown.detach();
    return DrainOutcome::kForced;
  }
  shutdown.join();
  server.Wait();
  return DrainOutcome::kDrained;
}

}  // namespace hss::gateway
