#include "server/protection/coalescing_hss_stub.h"

#include <map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "server/protection/upstream_call_key.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

// True when `status` says the flight ran out of time (its deadline), rather
// than something about the request or the upstream.
bool FailedForLackOfTime(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kDeadlineExceeded) return true;
  const auto info = GetErrorInfo(status);
  return info && info->reason() == kReasonGatewayRateLimited;
}

}  // namespace

// One upstream call shared by identical callers.
struct CoalescingHssStub::Flight {
  // One caller waiting for the flight.
  struct Joiner {
    CallContext context;
    PortsPageCallback done;
    Cancellation::Handle hook = 0;
  };

  std::string key;
  std::string project_id;
  hss::ports::v1::ListPortsRequest request;
  absl::Time deadline;
  // Cancelled when every joiner has cancelled.
  std::shared_ptr<Cancellation> cancellation = std::make_shared<Cancellation>();
  // Guarded by Shared::mu.
  std::map<std::uint64_t, Joiner> joiners;
  std::uint64_t next_joiner = 1;
};

struct CoalescingHssStub::Shared {
  std::shared_ptr<HssStub> inner;
  std::shared_ptr<UpstreamMetrics> metrics;
  absl::Mutex mu;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights ABSL_GUARDED_BY(mu);
};

CoalescingHssStub::CoalescingHssStub(std::shared_ptr<HssStub> inner,
                                     std::shared_ptr<UpstreamMetrics> metrics)
    : shared_(std::make_shared<Shared>()) {
  shared_->inner = std::move(inner);
  shared_->metrics = std::move(metrics);
}

void CoalescingHssStub::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                       const hss::ports::v1::ListPortsRequest& request,
                                       PortsPageCallback done) {
  Call(shared_, context, project_id, request, std::move(done));
}

std::size_t CoalescingHssStub::flights_in_progress() {
  absl::MutexLock lock(&shared_->mu);
  return shared_->flights.size();
}

void CoalescingHssStub::Call(const std::shared_ptr<Shared>& shared, const CallContext& context,
                             const std::string& project_id,
                             const hss::ports::v1::ListPortsRequest& request,
                             PortsPageCallback done) {
  if (context.cancellation->cancelled()) {
    std::move(done)(CallerCancelledError());
    return;
  }
  std::string key = UpstreamCallKey(context, project_id, request);
  std::shared_ptr<Flight> flight;
  bool starts_flight = false;
  std::uint64_t joiner_id;
  {
    absl::MutexLock lock(&shared->mu);
    auto it = shared->flights.find(key);
    if (it != shared->flights.end()) {
      flight = it->second;
    } else {
      starts_flight = true;
      flight = std::make_shared<Flight>();
      flight->key = key;
      flight->project_id = project_id;
      flight->request = request;
      flight->deadline = context.deadline;
      shared->flights.emplace(std::move(key), flight);
    }
    joiner_id = flight->next_joiner++;
    flight->joiners.emplace(joiner_id, Flight::Joiner{context, std::move(done)});
  }
  if (!starts_flight) shared->metrics->coalesced.fetch_add(1, std::memory_order_relaxed);

  // Runs at once if the caller cancelled meanwhile.
  std::weak_ptr<Shared> weak_shared = shared;
  std::weak_ptr<Flight> weak_flight = flight;
  const Cancellation::Handle hook =
      context.cancellation->OnCancel([weak_shared, weak_flight, joiner_id] {
        auto alive_shared = weak_shared.lock();
        auto alive_flight = weak_flight.lock();
        if (alive_shared && alive_flight) {
          OnJoinerCancelled(alive_shared, alive_flight, joiner_id);
        }
      });
  bool still_waiting = false;
  {
    absl::MutexLock lock(&shared->mu);
    auto it = flight->joiners.find(joiner_id);
    if (it != flight->joiners.end()) {
      it->second.hook = hook;
      still_waiting = true;
    }
  }
  if (!still_waiting && hook != 0) context.cancellation->Unregister(hook);

  if (!starts_flight) return;
  CallContext upstream = context;
  upstream.cancellation = flight->cancellation;
  upstream.deadline = flight->deadline;
  shared->inner->AsyncListPorts(upstream, flight->project_id, flight->request,
                                [shared, flight](absl::StatusOr<PortsPage> result) {
                                  OnFlightDone(shared, flight, std::move(result));
                                });
}

void CoalescingHssStub::OnJoinerCancelled(const std::shared_ptr<Shared>& shared,
                                          const std::shared_ptr<Flight>& flight,
                                          std::uint64_t joiner) {
  PortsPageCallback done;
  bool cancel_flight = false;
  {
    absl::MutexLock lock(&shared->mu);
    auto it = flight->joiners.find(joiner);
    if (it == flight->joiners.end()) return;  // Already answered.
    done = std::move(it->second.done);
    flight->joiners.erase(it);
    if (flight->joiners.empty()) {
      cancel_flight = true;
      // Later callers must not join a call that is being cancelled.
      auto entry = shared->flights.find(flight->key);
      if (entry != shared->flights.end() && entry->second == flight) shared->flights.erase(entry);
    }
  }
  if (cancel_flight) flight->cancellation->Cancel();
  std::move(done)(CallerCancelledError());
}

void CoalescingHssStub::OnFlightDone(const std::shared_ptr<Shared>& shared,
                                     const std::shared_ptr<Flight>& flight,
                                     absl::StatusOr<PortsPage> result) {
  std::map<std::uint64_t, Flight::Joiner> joiners;
  {
    absl::MutexLock lock(&shared->mu);
    auto entry = shared->flights.find(flight->key);
    if (entry != shared->flights.end() && entry->second == flight) shared->flights.erase(entry);
    joiners.swap(flight->joiners);
  }
  const bool lacked_time = !result.ok() && FailedForLackOfTime(result.status());
  std::size_t left = joiners.size();
  for (auto& [id, joiner] : joiners) {
    --left;
    if (joiner.hook != 0) joiner.context.cancellation->Unregister(joiner.hook);
    if (lacked_time && joiner.context.deadline > flight->deadline &&
        !joiner.context.cancellation->cancelled()) {
      Call(shared, joiner.context, flight->project_id, flight->request, std::move(joiner.done));
      continue;
    }
    if (left == 0) {
      std::move(joiner.done)(std::move(result));
    } else {
      std::move(joiner.done)(result);
    }
  }
}

}  // namespace hss::gateway
