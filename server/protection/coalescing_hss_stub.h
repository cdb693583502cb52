#ifndef HSS_SERVER_PROTECTION_COALESCING_HSS_STUB_H_
#define HSS_SERVER_PROTECTION_COALESCING_HSS_STUB_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "server/protection/upstream_metrics.h"
#include "server/rest/hss_stub.h"

namespace hss::gateway {

// HssStub decorator that merges identical concurrent calls: a call whose
// UpstreamCallKey (identity, token hash, project and query) matches a call
// already in flight joins it instead of calling `inner`, and every joined
// caller gets a copy of the one result. Thread-safe.
//
// The shared upstream call (a "flight") runs with the first caller's identity
// and credentials, its own Cancellation, and the first caller's deadline: the
// latest deadline among the callers joined when it starts (only the first),
// since a started call cannot be given more time. Consequences:
//  - a joiner that cancels gets CANCELLED at once; the others are unaffected;
//    the flight is cancelled only when every joined caller has cancelled (and
//    then leaves the map, so later callers start afresh);
//  - a joiner with a later deadline whose flight failed for lack of time
//    (DEADLINE_EXCEEDED, or GATEWAY_RATE_LIMITED: no slot before the flight's
//    deadline) is not failed: its call is issued again under its own deadline
//    (coalescing with other such joiners). Other failures are shared as they
//    are, including a retry the flight's deadline cut short (it carries
//    RetryInfo).
class CoalescingHssStub final : public HssStub {
 public:
  // `metrics` counts the calls that joined a flight.
  CoalescingHssStub(std::shared_ptr<HssStub> inner, std::shared_ptr<UpstreamMetrics> metrics);

  // See HssStub.
  void AsyncListPorts(const CallContext& context, const std::string& project_id,
                      const hss::ports::v1::ListPortsRequest& request,
                      PortsPageCallback done) override;

  // Flights in progress (for tests).
  std::size_t flights_in_progress();

 private:
  struct Flight;
  struct Shared;

  static void Call(const std::shared_ptr<Shared>& shared, const CallContext& context,
                   const std::string& project_id, const hss::ports::v1::ListPortsRequest& request,
                   PortsPageCallback done);
  static void OnJoinerCancelled(const std::shared_ptr<Shared>& shared,
                                const std::shared_ptr<Flight>& flight, std::uint64_t joiner);
  static void OnFlightDone(const std::shared_ptr<Shared>& shared,
                           const std::shared_ptr<Flight>& flight, absl::StatusOr<PortsPage> result);

  const std::shared_ptr<Shared> shared_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_COALESCING_HSS_STUB_H_
