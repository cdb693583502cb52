#include "server/protection/shared_pages_hss_stub.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "server/protection/shared_page_codec.h"
#include "server/protection/shared_page_script.h"
#include "server/protection/shared_rate_limit_script.h"
#include "server/protection/upstream_call_key.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/log.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

// A waiter whose awaited flights failed this many times in a row fetches the
// call itself rather than claiming it again.
constexpr int kMaxFailedFlights = 3;

// One call on its way through the shared pages.
struct SharedCall {
  CallContext context;
  std::string project_id;
  hss::ports::v1::ListPortsRequest request;
  PortsPageCallback done;
  SharedPageKeys keys;
  // This call's flight id, should it take the lease.
  std::string flight;
  // The lease holder this call waits for (empty: none yet).
  std::string awaited;
  // The wait before the next claim.
  absl::Duration poll;
  bool look_up_page = false;
  // The claim script went in full (EVAL) after Redis answered NOSCRIPT.
  bool sent_source = false;
  int failed_flights = 0;
};

// The renewal of a lease while its flight fetches.
struct Renewal {
  absl::Mutex mu;
  bool finished ABSL_GUARDED_BY(mu) = false;
  TimerId timer ABSL_GUARDED_BY(mu) = 0;
};

absl::Status WaitedPastDeadline() {
  return MakeError(absl::StatusCode::kDeadlineExceeded,
                   "the call's deadline passed while it waited for the identical call another "
                   "gateway replica is making to HSS",
                   kReasonDeadlineExceeded);
}

std::string RandomReplicaId() {
  std::random_device device;
  return absl::StrFormat("%08x%08x", device(), device());
}

}  // namespace

class SharedPagesHssStub::Shared : public std::enable_shared_from_this<Shared> {
 public:
  Shared(std::shared_ptr<HssStub> inner, SharedPagesOptions options,
         std::shared_ptr<RedisClient> redis, std::shared_ptr<Scheduler> scheduler,
         std::shared_ptr<UpstreamMetrics> metrics)
      : inner_(std::move(inner)),
        options_(options),
        redis_(std::move(redis)),
        scheduler_(std::move(scheduler)),
        metrics_(std::move(metrics)),
        claim_sha_(RedisScriptSha1(kSharedPageClaimScript)),
        publish_sha_(RedisScriptSha1(kSharedPagePublishScript)),
        renew_sha_(RedisScriptSha1(kSharedPageRenewScript)),
        replica_(RandomReplicaId()) {}

  void Start(std::unique_ptr<SharedCall> call) {
    call->flight =
        absl::StrCat(replica_, "-", next_flight_.fetch_add(1, std::memory_order_relaxed));
    call->poll = options_.poll_initial;
    call->look_up_page = options_.cache && !call->context.bypass_cache;
    if (!redis_->ready()) {
      Alone(std::move(call), /*redis_failed=*/true);
      return;
    }
    Claim(std::move(call));
  }

 private:
  void Claim(std::unique_ptr<SharedCall> call) {
    std::vector<std::string> argv;
    if (call->sent_source) {
      argv = {"EVAL", kSharedPageClaimScript};
    } else {
      argv = {"EVALSHA", claim_sha_};
    }
    for (std::string& arg : SharedPageClaimArgs(call->keys, call->flight, options_.lease,
                                                call->awaited, call->look_up_page)) {
      argv.push_back(std::move(arg));
    }
    // The call goes on on the Redis client's thread: nothing it does blocks,
    // and a hop to another thread would cost it a wake-up.
    redis_->Command(std::move(argv), [self = shared_from_this(), call = std::move(call)](
                                         absl::StatusOr<RedisReply> reply) mutable {
      self->OnClaim(std::move(call), std::move(reply));
    });
  }

  void OnClaim(std::unique_ptr<SharedCall> call, absl::StatusOr<RedisReply> reply) {
    if (reply.ok() && reply->is_error() && absl::StartsWith(reply->str, "NOSCRIPT") &&
        !call->sent_source) {
      call->sent_source = true;
      Claim(std::move(call));
      return;
    }
    absl::StatusOr<SharedPageClaim> claim =
        reply.ok() ? ParseSharedPageClaimReply(*reply) : reply.status();
    if (!claim.ok()) {
      if (!undecided_logged_.exchange(true)) {
        LogEvent("warning",
                 absl::StrCat("shared pages: Redis could not answer (", claim.status().message(),
                              "); identical calls on other replicas are fetched separately "
                              "until it answers again"));
      }
      Alone(std::move(call), /*redis_failed=*/true);
      return;
    }
    if (undecided_logged_.exchange(false)) LogEvent("info", "shared pages: Redis answers again");
    switch (claim->outcome) {
      case SharedPageClaim::Outcome::kCachedPage: {
        absl::StatusOr<PortsPage> page = DecodeSharedPage(claim->bytes);
        if (!page.ok()) {
          Unreadable(page.status());
          Alone(std::move(call), /*redis_failed=*/true);
          return;
        }
        page->age = std::max(absl::ZeroDuration(), options_.cache_ttl - claim->ttl_left);
        metrics_->shared_cache_hits.fetch_add(1, std::memory_order_relaxed);
        std::move(call->done)(*std::move(page));
        return;
      }
      case SharedPageClaim::Outcome::kFlightResult: {
        if (claim->bytes == kFlightFailed) {
          // Not shared: the call is claimed again, and fetched by one replica
          // under its own caller's credentials and deadline.
          if (++call->failed_flights >= kMaxFailedFlights) {
            Alone(std::move(call), /*redis_failed=*/false);
            return;
          }
          call->awaited.clear();
          Claim(std::move(call));
          return;
        }
        if (claim->bytes == kFlightNotShared) {
          Alone(std::move(call), /*redis_failed=*/false);
          return;
        }
        absl::StatusOr<PortsPage> page = DecodeSharedPage(claim->bytes);
        if (!page.ok()) {
          Unreadable(page.status());
          Alone(std::move(call), /*redis_failed=*/true);
          return;
        }
        metrics_->shared_coalesced.fetch_add(1, std::memory_order_relaxed);
        std::move(call->done)(*std::move(page));
        return;
      }
      case SharedPageClaim::Outcome::kLead:
        Lead(std::move(call));
        return;
      case SharedPageClaim::Outcome::kWait:
        call->awaited = claim->holder;
        Wait(std::move(call));
        return;
    }
  }

  // Waits for the lease holder's result: the next claim after the poll
  // interval, within the call's deadline and unless it is cancelled.
  void Wait(std::unique_ptr<SharedCall> call) {
    const absl::Time now = scheduler_->Now();
    if (now >= call->context.deadline) {
      std::move(call->done)(WaitedPastDeadline());
      return;
    }
    const absl::Time when = std::min(now + call->poll, call->context.deadline);
    call->poll = std::min(call->poll * 2, options_.poll_max);
    std::shared_ptr<Cancellation> cancellation = call->context.cancellation;
    WaitUntil(scheduler_, when, std::move(cancellation),
              [self = shared_from_this(), call = std::move(call)](bool cancelled) mutable {
                if (cancelled) {
                  std::move(call->done)(CallerCancelledError());
                  return;
                }
                self->Claim(std::move(call));
              });
  }

  // This call holds the lease: fetches, then publishes what it got.
  void Lead(std::unique_ptr<SharedCall> call) {
    auto renewal = std::make_shared<Renewal>();
    ScheduleRenewal(call->keys, call->flight, renewal);
    inner_->AsyncListPorts(
        call->context, call->project_id, call->request,
        [self = shared_from_this(), keys = call->keys, flight = call->flight, renewal,
         done = std::move(call->done)](absl::StatusOr<PortsPage> result) mutable {
          self->StopRenewal(*renewal);
          self->Publish(keys, flight, result);
          std::move(done)(std::move(result));
        });
  }

  void ScheduleRenewal(SharedPageKeys keys, std::string flight, std::shared_ptr<Renewal> renewal) {
    absl::MutexLock lock(&renewal->mu);
    if (renewal->finished) return;
    renewal->timer = scheduler_->RunAt(
        scheduler_->Now() + options_.lease / 3, [self = shared_from_this(), keys = std::move(keys),
                                                 flight = std::move(flight), renewal]() mutable {
          {
            absl::MutexLock still(&renewal->mu);
            if (renewal->finished) return;
          }
          self->RunScript(self->renew_sha_, kSharedPageRenewScript,
                          SharedPageRenewArgs(keys, flight, self->options_.lease));
          self->ScheduleRenewal(std::move(keys), std::move(flight), std::move(renewal));
        });
  }

  void StopRenewal(Renewal& renewal) {
    TimerId timer;
    {
      absl::MutexLock lock(&renewal.mu);
      renewal.finished = true;
      timer = renewal.timer;
    }
    if (timer != 0) scheduler_->CancelTimer(timer);
  }

  void Publish(const SharedPageKeys& keys, const std::string& flight,
               const absl::StatusOr<PortsPage>& result) {
    std::string payload;
    absl::Duration page_ttl = absl::ZeroDuration();
    if (!result.ok()) {
      payload = std::string(kFlightFailed);
    } else {
      payload = EncodeSharedPage(*result);
      if (static_cast<std::int64_t>(payload.size()) > options_.max_entry_bytes) {
        payload = std::string(kFlightNotShared);
      } else if (options_.cache) {
        page_ttl = options_.cache_ttl;
      }
    }
    RunScript(publish_sha_, kSharedPagePublishScript,
              SharedPagePublishArgs(keys, flight, payload, page_ttl, options_.result_ttl));
  }

  // Runs a script whose answer nobody waits for; after NOSCRIPT, in full.
  void RunScript(const std::string& sha, const char* source, std::vector<std::string> args) {
    std::vector<std::string> argv = {"EVALSHA", sha};
    argv.insert(argv.end(), args.begin(), args.end());
    redis_->Command(std::move(argv), [self = shared_from_this(), source, args = std::move(args)](
                                         absl::StatusOr<RedisReply> reply) mutable {
      if (!reply.ok() || !reply->is_error() || !absl::StartsWith(reply->str, "NOSCRIPT")) return;
      std::vector<std::string> again = {"EVAL", source};
      again.insert(again.end(), std::make_move_iterator(args.begin()),
                   std::make_move_iterator(args.end()));
      self->redis_->Command(std::move(again), [](absl::StatusOr<RedisReply>) {});
    });
  }

  // Fetches the call without the other replicas.
  void Alone(std::unique_ptr<SharedCall> call, bool redis_failed) {
    if (redis_failed) {
      metrics_->shared_page_fallbacks.fetch_add(1, std::memory_order_relaxed);
      call->context.shared_state_failed = true;
    }
    inner_->AsyncListPorts(call->context, call->project_id, call->request, std::move(call->done));
  }

  void Unreadable(const absl::Status& status) {
    if (!unreadable_logged_.exchange(true)) {
      LogEvent("warning",
               absl::StrCat("shared pages: an entry in Redis could not be read (", status.message(),
                            "; another gateway version?); such calls are fetched from HSS"));
    }
  }

  const std::shared_ptr<HssStub> inner_;
  const SharedPagesOptions options_;
  const std::shared_ptr<RedisClient> redis_;
  const std::shared_ptr<Scheduler> scheduler_;
  const std::shared_ptr<UpstreamMetrics> metrics_;
  const std::string claim_sha_;
  const std::string publish_sha_;
  const std::string renew_sha_;
  // Makes this replica's flight ids unique among the replicas.
  const std::string replica_;
  std::atomic<std::uint64_t> next_flight_{1};
  // A failed claim was logged and no claim has succeeded since.
  std::atomic<bool> undecided_logged_{false};
  std::atomic<bool> unreadable_logged_{false};
};

SharedPagesHssStub::SharedPagesHssStub(std::shared_ptr<HssStub> inner, SharedPagesOptions options,
                                       std::shared_ptr<RedisClient> redis,
                                       std::shared_ptr<Scheduler> scheduler,
                                       std::shared_ptr<UpstreamMetrics> metrics)
    : shared_(std::make_shared<Shared>(std::move(inner), options, std::move(redis),
                                       std::move(scheduler), std::move(metrics))) {}

void SharedPagesHssStub::AsyncListPorts(const CallContext& context, const std::string& project_id,
                                        const hss::ports::v1::ListPortsRequest& request,
                                        PortsPageCallback done) {
  if (context.cancellation->cancelled()) {
    std::move(done)(CallerCancelledError());
    return;
  }
  auto call = std::make_unique<SharedCall>();
  call->context = context;
  call->project_id = project_id;
  call->request = request;
  call->done = std::move(done);
  call->keys = SharedPageKeysFor(UpstreamCallKey(context, project_id, request));
  shared_->Start(std::move(call));
}

}  // namespace hss::gateway
