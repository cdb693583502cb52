#include "server/protection/shared_rate_limited_hss_stub.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/protection/retry_policy.h"
#include "server/protection/shared_rate_limit_script.h"
#include "server/runtime/duration_text.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/log.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

// One call on its way through the shared limiter.
struct LimitedCall {
  CallContext context;
  std::string project_id;
  hss::ports::v1::ListPortsRequest request;
  PortsPageCallback done;
  SharedRateLimitKeys keys;
  // The script went in full (EVAL) after Redis answered NOSCRIPT.
  bool sent_source = false;
};

// The Retry-After (RetryInfo) of an upstream 429, if it carried one.
std::optional<absl::Duration> RetryAfterOf(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info || !info->has_retry_delay()) return std::nullopt;
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

int Share(int value, int replicas) { return value <= 0 ? value : std::max(1, value / replicas); }

}  // namespace

RateLimiterOptions LocalShareOfLimits(RateLimiterOptions limits, int replicas) {
  if (replicas <= 1) return limits;
  limits.per_identity_per_minute = Share(limits.per_identity_per_minute, replicas);
  limits.per_identity_burst = Share(limits.per_identity_burst, replicas);
  limits.total_per_minute = Share(limits.total_per_minute, replicas);
  limits.total_burst = Share(limits.total_burst, replicas);
  return limits;
}

class SharedRateLimitedHssStub::Shared : public std::enable_shared_from_this<Shared> {
 public:
  Shared(std::shared_ptr<HssStub> inner, SharedRateLimitOptions options,
         std::shared_ptr<HssStub> fallback, std::shared_ptr<RedisClient> redis,
         std::shared_ptr<Scheduler> scheduler, std::shared_ptr<UpstreamMetrics> metrics)
      : inner_(std::move(inner)),
        options_(std::move(options)),
        fallback_(std::move(fallback)),
        redis_(std::move(redis)),
        scheduler_(std::move(scheduler)),
        metrics_(std::move(metrics)),
        limit_sha_(RedisScriptSha1(kSharedRateLimitScript)),
        cool_down_sha_(RedisScriptSha1(kSharedCoolDownScript)) {}

  // Asks Redis for a slot, or hands the call to the fallback when it cannot.
  void Start(std::unique_ptr<LimitedCall> call) {
    if (!redis_->ready() || call->context.shared_state_failed) {
      metrics_->shared_rate_limit_fallbacks.fetch_add(1, std::memory_order_relaxed);
      ToFallback(std::move(call));
      return;
    }
    const absl::Time now = scheduler_->Now();
    SharedRateLimitRequest ask;
    ask.per_identity_per_minute = options_.limits.per_identity_per_minute;
    ask.per_identity_burst = options_.limits.per_identity_burst;
    ask.total_per_minute = options_.limits.total_per_minute;
    ask.total_burst = options_.limits.total_burst;
    // A slot that leaves HSS no time to answer is no use: the script refuses it.
    ask.max_wait = std::clamp(call->context.deadline - now - kTimeLeftForHss, absl::ZeroDuration(),
                              options_.limits.max_wait);
    if (options_.clock_from_scheduler) ask.now = now;
    std::vector<std::string> argv;
    if (call->sent_source) {
      argv = {"EVAL", kSharedRateLimitScript};
    } else {
      argv = {"EVALSHA", limit_sha_};
    }
    for (std::string& arg : SharedRateLimitArgs(call->keys, ask)) argv.push_back(std::move(arg));
    redis_->Command(std::move(argv), [self = shared_from_this(), call = std::move(call)](
                                         absl::StatusOr<RedisReply> reply) mutable {
      self->OnDecision(std::move(call), std::move(reply));
    });
  }

 private:
  // Redis answered (or failed); runs on the Redis client's thread (or inside
  // RedisClient::Command() when it failed at once). A call that may go at once
  // goes on from here: nothing below blocks, and a hop to the scheduler's
  // thread would cost it a thread wake-up. One that waits goes on from the
  // scheduler's.
  void OnDecision(std::unique_ptr<LimitedCall> call, absl::StatusOr<RedisReply> reply) {
    if (reply.ok() && reply->is_error() && absl::StartsWith(reply->str, "NOSCRIPT") &&
        !call->sent_source) {
      call->sent_source = true;
      Start(std::move(call));
      return;
    }
    absl::StatusOr<SharedRateLimitDecision> decision =
        reply.ok() ? ParseSharedRateLimitReply(*reply) : reply.status();
    if (!decision.ok()) {
      metrics_->shared_rate_limit_fallbacks.fetch_add(1, std::memory_order_relaxed);
      if (!undecided_logged_.exchange(true)) {
        LogEvent(
            "warning",
            absl::StrCat("shared rate limit: Redis could not decide (", decision.status().message(),
                         "); calls are paced by this replica's share of the limits until it "
                         "answers again"));
      }
      ToFallback(std::move(call));
      return;
    }
    if (undecided_logged_.exchange(false)) {
      LogEvent("info", "shared rate limit: Redis decides again");
    }
    if (!decision->granted) {
      metrics_->rate_limited_rejections.fetch_add(1, std::memory_order_relaxed);
      std::move(call->done)(Refusal(*decision, call->context));
      return;
    }
    if (decision->wait <= absl::ZeroDuration()) {
      ToUpstream(std::move(call));
      return;
    }
    metrics_->rate_limit_waits.fetch_add(1, std::memory_order_relaxed);
    std::shared_ptr<Cancellation> cancellation = call->context.cancellation;
    WaitUntil(scheduler_, scheduler_->Now() + decision->wait, std::move(cancellation),
              [self = shared_from_this(), call = std::move(call)](bool cancelled) mutable {
                if (cancelled) {
                  std::move(call->done)(MakeError(absl::StatusCode::kCancelled,
                                                  "the caller cancelled the call while it waited "
                                                  "for a rate-limit slot",
                                                  kReasonCancelled));
                  return;
                }
                self->ToUpstream(std::move(call));
              });
  }

  absl::Status Refusal(const SharedRateLimitDecision& decision, const CallContext& context) const {
    const RateLimiterOptions& limits = options_.limits;
    if (decision.limit == "coolDown") {
      return RateLimitedError(
          "coolDown",
          absl::StrCat("HSS throttled this ", IdentityKindOf(context.upstream_identity),
                       " (429) and every gateway replica holds its calls until the cool-down ends"),
          decision.wait);
    }
    const bool by_identity = decision.limit != "total";
    const std::string limit =
        by_identity ? absl::StrCat(DescribeRateLimit(limits.per_identity_per_minute,
                                                     limits.per_identity_burst),
                                   " per ", IdentityKindOf(context.upstream_identity))
                    : absl::StrCat(DescribeRateLimit(limits.total_per_minute, limits.total_burst),
                                   " for all callers together");
    const std::string why =
        scheduler_->Now() + decision.wait + kTimeLeftForHss > context.deadline
            ? std::string("before the call's deadline")
            : absl::StrCat("within the longest wait of ", ReadableDuration(limits.max_wait));
    return RateLimitedError(
        by_identity ? "perIdentity" : "total",
        absl::StrCat("its limit of ", limit,
                     ", shared by every gateway replica, leaves no free slot ", why),
        decision.wait);
  }

  void ToFallback(std::unique_ptr<LimitedCall> call) {
    PortsPageCallback done = WatchForThrottling(call->keys, std::move(call->done));
    fallback_->AsyncListPorts(call->context, call->project_id, call->request, std::move(done));
  }

  void ToUpstream(std::unique_ptr<LimitedCall> call) {
    metrics_->upstream_requests.fetch_add(1, std::memory_order_relaxed);
    PortsPageCallback done = WatchForThrottling(call->keys, std::move(call->done));
    inner_->AsyncListPorts(call->context, call->project_id, call->request, std::move(done));
  }

  // `done`, after sharing a 429's cool-down with every replica.
  PortsPageCallback WatchForThrottling(const SharedRateLimitKeys& keys, PortsPageCallback done) {
    return [self = shared_from_this(), keys,
            done = std::move(done)](absl::StatusOr<PortsPage> result) mutable {
      if (!result.ok() && ClassifyForRetry(result.status()) == RetryClass::kThrottled) {
        self->ShareCoolDown(keys, RetryAfterOf(result.status()));
      }
      std::move(done)(std::move(result));
    };
  }

  void ShareCoolDown(const SharedRateLimitKeys& keys, std::optional<absl::Duration> retry_after) {
    const int per_minute = options_.limits.per_identity_per_minute;
    absl::Duration duration = per_minute > 0 ? absl::Minutes(1) / per_minute : absl::Seconds(1);
    if (retry_after.has_value() && *retry_after > absl::ZeroDuration()) {
      duration = std::min(*retry_after, absl::Minutes(5));
    }
    if (!redis_->ready()) return;  // The retry policy still backs this replica off.
    metrics_->shared_cool_downs.fetch_add(1, std::memory_order_relaxed);
    const std::optional<absl::Time> now =
        options_.clock_from_scheduler ? std::optional<absl::Time>(scheduler_->Now()) : std::nullopt;
    std::vector<std::string> args = SharedCoolDownArgs(keys, duration, now);
    std::vector<std::string> argv = {"EVALSHA", cool_down_sha_};
    argv.insert(argv.end(), args.begin(), args.end());
    redis_->Command(std::move(argv), [self = shared_from_this(), args = std::move(args)](
                                         absl::StatusOr<RedisReply> reply) mutable {
      if (!reply.ok() || !reply->is_error() || !absl::StartsWith(reply->str, "NOSCRIPT")) return;
      std::vector<std::string> again = {"EVAL", kSharedCoolDownScript};
      again.insert(again.end(), args.begin(), args.end());
      self->redis_->Command(std::move(again), [](absl::StatusOr<RedisReply>) {});
    });
  }

  const std::shared_ptr<HssStub> inner_;
  const SharedRateLimitOptions options_;
  const std::shared_ptr<HssStub> fallback_;
  const std::shared_ptr<RedisClient> redis_;
  const std::shared_ptr<Scheduler> scheduler_;
  const std::shared_ptr<UpstreamMetrics> metrics_;
  const std::string limit_sha_;
  const std::string cool_down_sha_;
  // A failed decision was logged and no decision has succeeded since.
  std::atomic<bool> undecided_logged_{false};
};

SharedRateLimitedHssStub::SharedRateLimitedHssStub(std::shared_ptr<HssStub> inner,
                                                   SharedRateLimitOptions options,
                                                   std::shared_ptr<HssStub> fallback,
                                                   std::shared_ptr<RedisClient> redis,
                                                   std::shared_ptr<Scheduler> scheduler,
                                                   std::shared_ptr<UpstreamMetrics> metrics)
    : shared_(std::make_shared<Shared>(std::move(inner), std::move(options), std::move(fallback),
                                       std::move(redis), std::move(scheduler),
                                       std::move(metrics))) {}

void SharedRateLimitedHssStub::AsyncListPorts(const CallContext& context,
                                              const std::string& project_id,
                                              const hss::ports::v1::ListPortsRequest& request,
                                              PortsPageCallback done) {
  if (context.cancellation->cancelled()) {
    std::move(done)(CallerCancelledError());
    return;
  }
  auto call = std::make_unique<LimitedCall>();
  call->context = context;
  call->project_id = project_id;
  call->request = request;
  call->done = std::move(done);
  call->keys = SharedRateLimitKeysFor(context.upstream_identity);
  shared_->Start(std::move(call));
}

}  // namespace hss::gateway
