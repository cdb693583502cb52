#include "server/protection/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/runtime/duration_text.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

constexpr absl::string_view kMetaUpstreamAttempts = "upstreamAttempts";

// The RetryInfo delay of `status`, if it carries one.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  auto info = GetRetryInfo(status);
  if (!info || !info->has_retry_delay()) return std::nullopt;
  return absl::Seconds(info->retry_delay().seconds()) +
         absl::Nanoseconds(info->retry_delay().nanos());
}

// min(cap, base * multiplier^exponent), computed without overflow.
absl::Duration Backoff(absl::Duration base, double multiplier, int exponent, absl::Duration cap) {
  const double seconds =
      absl::ToDoubleSeconds(base) * std::pow(std::max(multiplier, 1.0), std::max(exponent, 0));
  if (!std::isfinite(seconds) || seconds >= absl::ToDoubleSeconds(cap)) return cap;
  return absl::Seconds(seconds);
}

}  // namespace

RetryClass ClassifyForRetry(const absl::Status& status) {
  if (status.ok()) return RetryClass::kNever;
  const auto info = GetErrorInfo(status);
  const std::string reason = info ? info->reason() : "";
  std::string http_status;
  if (info) {
    auto it = info->metadata().find(std::string(kMetaHttpStatus));
    if (it != info->metadata().end()) http_status = it->second;
  }
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      if (reason == kReasonUpstreamCircuitOpen || absl::StartsWith(reason, kReasonIamPrefix)) {
        return RetryClass::kNever;
      }
      return RetryClass::kTransient;
    case absl::StatusCode::kInternal:
      if (reason == kReasonUpstreamInternalError || http_status == "500") {
        return RetryClass::kInternalError;
      }
      return RetryClass::kNever;
    case absl::StatusCode::kResourceExhausted:
      if (reason == kReasonUpstreamThrottled || http_status == "429") return RetryClass::kThrottled;
      return RetryClass::kNever;
    default:
      return RetryClass::kNever;
  }
}

absl::Status AppendToMessage(const absl::Status& status, absl::string_view note) {
  if (status.ok()) return status;
  absl::Status out(status.code(), absl::StrCat(status.message(), "; ", note));
  status.ForEachPayload([&out](absl::string_view type_url, const absl::Cord& payload) {
    out.SetPayload(type_url, payload);
  });
  return out;
}

RetryDecision DecideRetry(const RetryPolicyOptions& options, const absl::Status& status,
                          const RetryState& state, absl::Time now, absl::Time deadline,
                          absl::FunctionRef<double()> uniform01) {
  RetryDecision decision;
  decision.retry_class = ClassifyForRetry(status);
  // Stops with `note` (may be empty) and, after several attempts, their count.
  auto stop = [&](absl::string_view note) {
    absl::Status final_status = note.empty() ? status : AppendToMessage(status, note);
    if (state.attempts > 1) {
      AddErrorMetadata(final_status, kMetaUpstreamAttempts, absl::StrCat(state.attempts));
    }
    decision.retry = false;
    decision.status = std::move(final_status);
    return decision;
  };

  if (decision.retry_class == RetryClass::kNever) {
    return stop(state.attempts > 1 ? absl::StrCat("this was the gateway's attempt ", state.attempts)
                                   : std::string());
  }
  const std::string gave_up = absl::StrCat("the gateway gave up after ", state.attempts,
                                           state.attempts == 1 ? " attempt" : " attempts");
  if (state.attempts >= options.max_attempts) return stop(gave_up);
  if (decision.retry_class == RetryClass::kInternalError &&
      state.internal_error_retries >= options.max_500_retries) {
    return stop(gave_up);
  }

  const double u = std::clamp(uniform01(), 0.0, 1.0);
  const int retries_so_far = state.attempts - 1;
  absl::Duration delay;
  if (decision.retry_class == RetryClass::kThrottled) {
    if (std::optional<absl::Duration> hint = RetryDelayOf(status)) {
      delay = std::max(*hint, absl::ZeroDuration());
    } else {
      const absl::Duration cap =
          Backoff(options.throttled_base_backoff, options.multiplier, retries_so_far,
                  std::max(options.max_backoff, options.throttled_base_backoff));
      delay = cap * (0.5 + 0.5 * u);
    }
  } else {
    delay =
        Backoff(options.initial_backoff, options.multiplier, retries_so_far, options.max_backoff) *
        u;
  }

  const absl::Time next_start = now + delay;
  if (next_start >= deadline) {
    RetryDecision out =
        stop(absl::StrCat("the gateway did not retry: the next attempt (in ",
                          ReadableDuration(delay), ") would start after the caller's deadline"));
    SetRetryDelay(out.status, delay);
    return out;
  }
  if (next_start - state.first_attempt_start > options.max_elapsed) {
    return stop(absl::StrCat("the gateway did not retry: the next attempt (in ",
                             ReadableDuration(delay), ") would start more than ",
                             ReadableDuration(options.max_elapsed), " after the first"));
  }
  decision.retry = true;
  decision.delay = delay;
  return decision;
}

}  // namespace hss::gateway
