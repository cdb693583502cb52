#include "server/protection/rate_limiter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/http/url_parts.h"
#include "server/runtime/duration_text.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

// The ErrorInfo metadata key naming the limit that refused a call.
constexpr absl::string_view kMetaRateLimit = "rateLimit";

}  // namespace

absl::string_view IdentityKindOf(absl::string_view identity) {
  const absl::string_view kind = identity.substr(0, identity.find(':'));
  if (kind == "token") return "IAM token";
  if (kind == "ak") return "access key (AK)";
  if (kind == "iam") return "IAM user";
  return "caller";
}

std::string DescribeRateLimit(int per_minute, int burst) {
  std::string text = absl::StrCat(per_minute, " HSS calls per minute");
  if (burst > 0 && burst != per_minute) absl::StrAppend(&text, " in bursts of ", burst);
  return text;
}

absl::Status RateLimitedError(absl::string_view limit_kind, absl::string_view why,
                              absl::Duration wait) {
  absl::Status status = MakeError(
      absl::StatusCode::kResourceExhausted,
      absl::StrCat("the gateway held back this HSS call: ", why, " (the next is in ",
                   ReadableDuration(wait), "); retry after ", ReadableDuration(wait)),
      kReasonGatewayRateLimited, {{std::string(kMetaRateLimit), std::string(limit_kind)}});
  SetRetryDelay(status, wait);
  return status;
}

RateLimiterOptions HuaweiCloudHssLimits() {
  RateLimiterOptions options;
  options.per_identity_per_minute = 5;
  options.per_identity_burst = 5;
  options.total_per_minute = 600;
  options.total_burst = 600;
  return options;
}

bool IsHuaweiCloudEndpoint(absl::string_view endpoint) {
  endpoint = absl::StripAsciiWhitespace(endpoint);
  absl::StatusOr<UrlParts> url = absl::StrContains(endpoint, "://")
                                     ? ParseHttpUrl(endpoint)
                                     : ParseHttpUrl(absl::StrCat("https://", endpoint));
  if (!url.ok()) return false;  // Never sent anywhere: the transport rejects it too.
  absl::string_view host = url->host;
  if (absl::EndsWith(host, ".")) host.remove_suffix(1);
  return absl::EndsWithIgnoreCase(host, ".myhuaweicloud.com") ||
         absl::EndsWithIgnoreCase(host, ".myhuaweicloud.eu");
}

RateLimiterOptions DefaultLimitsForEndpoint(absl::string_view endpoint) {
  if (IsHuaweiCloudEndpoint(endpoint)) return HuaweiCloudHssLimits();
  return RateLimiterOptions();
}

RateLimiter::RateLimiter(RateLimiterOptions options)
    : options_([&options] {
        if (options.per_identity_burst <= 0) {
          options.per_identity_burst = options.per_identity_per_minute;
        }
        if (options.total_burst <= 0) options.total_burst = options.total_per_minute;
        return options;
      }()),
      per_identity_enabled_(options_.per_identity_per_minute > 0),
      total_enabled_(options_.total_per_minute > 0) {
  if (total_enabled_) total_.emplace(options_.total_per_minute, options_.total_burst);
}

absl::StatusOr<RateLimiter::Ticket> RateLimiter::Acquire(absl::string_view identity, absl::Time now,
                                                         absl::Time deadline) {
  Ticket ticket;
  ticket.start = now;
  if (!enabled()) return ticket;
  absl::Time identity_free = now;
  absl::Time total_free = now;
  {
    absl::MutexLock lock(&mu_);
    MaybeSweep(now);
    if (total_) total_free = total_->NextFree(now);
    auto it = per_identity_enabled_ ? identities_.find(identity) : identities_.end();
    if (it != identities_.end()) identity_free = it->second.NextFree(now);
    const absl::Time start = std::max(identity_free, total_free);
    const bool refused =
        start > now && (start + kTimeLeftForHss > deadline || start - now > options_.max_wait);
    if (!refused) {
      ticket.start = start;
      if (per_identity_enabled_) {
        if (it == identities_.end()) {
          it = identities_
                   .try_emplace(std::string(identity), options_.per_identity_per_minute,
                                options_.per_identity_burst)
                   .first;
        }
        ticket.identity = std::string(identity);
        ticket.identity_receipt = it->second.Take(now, start);
      }
      if (total_) ticket.total_receipt = total_->Take(now, start);
      return ticket;
    }
  }
  // Refused: name the limit that sets the later start.
  const bool by_identity = per_identity_enabled_ && identity_free >= total_free;
  const absl::Duration wait = std::max(identity_free, total_free) - now;
  const std::string limit =
      by_identity ? absl::StrCat(DescribeRateLimit(options_.per_identity_per_minute,
                                                   options_.per_identity_burst),
                                 " per ", IdentityKindOf(identity))
                  : absl::StrCat(DescribeRateLimit(options_.total_per_minute, options_.total_burst),
                                 " for all callers together");
  const std::string why =
      now + wait + kTimeLeftForHss > deadline
          ? std::string("before the call's deadline")
          : absl::StrCat("within the longest wait of ", ReadableDuration(options_.max_wait));
  return RateLimitedError(by_identity ? "perIdentity" : "total",
                          absl::StrCat("its limit of ", limit, " leaves no free slot ", why), wait);
}

void RateLimiter::Release(const Ticket& ticket, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (ticket.identity_receipt) {
    auto it = identities_.find(ticket.identity);
    if (it != identities_.end()) it->second.GiveBack(*ticket.identity_receipt, now);
  }
  if (ticket.total_receipt && total_) total_->GiveBack(*ticket.total_receipt, now);
}

std::size_t RateLimiter::tracked_identities() {
  absl::MutexLock lock(&mu_);
  return identities_.size();
}

void RateLimiter::MaybeSweep(absl::Time now) {
  ++calls_since_sweep_;
  if (identities_.size() < sweep_at_size_ && calls_since_sweep_ < 4096) return;
  for (auto it = identities_.begin(); it != identities_.end();) {
    if (it->second.Idle(now)) {
      identities_.erase(it++);
    } else {
      ++it;
    }
  }
  calls_since_sweep_ = 0;
  sweep_at_size_ = std::max<std::size_t>(64, 2 * identities_.size());
}

}  // namespace hss::gateway
