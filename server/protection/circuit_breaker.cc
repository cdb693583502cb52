#include "server/protection/circuit_breaker.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/runtime/duration_text.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {
namespace {

constexpr std::size_t kMaxLastFailureBytes = 300;
// RetryInfo for calls refused while a probe is in flight.
constexpr absl::Duration kProbeRetryDelay = absl::Seconds(1);

// `text` cut to at most `max_bytes` at a UTF-8 character boundary.
std::string Shorten(absl::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), "...");
}

}  // namespace

CircuitBreaker::Outcome CircuitBreaker::Classify(const absl::Status& status) {
  if (status.ok()) return Outcome::kSuccess;
  const auto info = GetErrorInfo(status);
  const std::string reason = info ? info->reason() : "";
  int http_status = 0;
  if (info) {
    auto it = info->metadata().find(std::string(kMetaHttpStatus));
    if (it != info->metadata().end() && !absl::SimpleAtoi(it->second, &http_status)) {
      http_status = 0;
    }
  }
  if (reason == kReasonUpstreamCircuitOpen || absl::StartsWith(reason, kReasonIamPrefix)) {
    return Outcome::kNeutral;
  }
  if (http_status >= 500) return Outcome::kFailure;
  if (status.code() == absl::StatusCode::kUnavailable) return Outcome::kFailure;
  if (status.code() == absl::StatusCode::kDeadlineExceeded && reason == kReasonUpstreamTimeout) {
    return Outcome::kFailure;
  }
  if (http_status >= 200) return Outcome::kSuccess;
  return Outcome::kNeutral;
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options,
                               std::shared_ptr<UpstreamMetrics> metrics)
    : options_(options), metrics_(std::move(metrics)) {
  absl::MutexLock lock(&mu_);
  SetState(State::kClosed);
}

void CircuitBreaker::SetState(State state) {
  state_ = state;
  if (metrics_ == nullptr) return;
  BreakerStateValue value = BreakerStateValue::kClosed;
  if (state == State::kOpen) value = BreakerStateValue::kOpen;
  if (state == State::kHalfOpen) value = BreakerStateValue::kHalfOpen;
  metrics_->breaker_state.store(static_cast<std::int64_t>(value), std::memory_order_relaxed);
}

void CircuitBreaker::Open(absl::Time now) {
  SetState(State::kOpen);
  opened_at_ = now;
  probe_in_flight_ = false;
  if (metrics_ != nullptr) metrics_->breaker_opens.fetch_add(1, std::memory_order_relaxed);
}

absl::Status CircuitBreaker::Rejection(absl::Time now) {
  const std::string stopped =
      absl::StrCat("circuit breaker open: the gateway stopped calling HSS for ",
                   ReadableDuration(options_.cool_down), " after ", consecutive_failures_,
                   " consecutive failures (last: ", last_failure_, ")");
  absl::Duration retry_delay;
  std::string message;
  if (state_ == State::kOpen) {
    retry_delay = std::max(opened_at_ + options_.cool_down - now, absl::ZeroDuration());
    message = absl::StrCat(stopped, "; it will probe again in ", ReadableDuration(retry_delay));
  } else {
    retry_delay = std::min(kProbeRetryDelay, options_.cool_down);
    message = absl::StrCat(stopped, "; a probe request is checking whether HSS recovered");
  }
  absl::Status status =
      MakeError(absl::StatusCode::kUnavailable, message, kReasonUpstreamCircuitOpen,
                {{"consecutiveFailures", absl::StrCat(consecutive_failures_)}});
  SetRetryDelay(status, retry_delay);
  return status;
}

CircuitBreaker::Admission CircuitBreaker::Admit(absl::Time now) {
  Admission admission;
  absl::MutexLock lock(&mu_);
  if (state_ == State::kOpen && now >= opened_at_ + options_.cool_down) {
    SetState(State::kHalfOpen);
    probe_in_flight_ = false;
  }
  if (state_ == State::kClosed) return admission;
  if (state_ == State::kHalfOpen && !probe_in_flight_) {
    probe_in_flight_ = true;
    admission.probe = true;
    return admission;
  }
  admission.allowed = false;
  admission.rejection = Rejection(now);
  if (metrics_ != nullptr) metrics_->breaker_rejections.fetch_add(1, std::memory_order_relaxed);
  return admission;
}

void CircuitBreaker::Record(const absl::Status& result, bool probe, absl::Time now) {
  const Outcome outcome = Classify(result);
  absl::MutexLock lock(&mu_);
  if (probe) {
    if (state_ != State::kHalfOpen) return;
    probe_in_flight_ = false;
  } else if (state_ != State::kClosed) {
    return;
  }
  switch (outcome) {
    case Outcome::kSuccess:
      consecutive_failures_ = 0;
      if (probe) SetState(State::kClosed);
      return;
    case Outcome::kNeutral:
      return;
    case Outcome::kFailure: {
      ++consecutive_failures_;
      const auto info = GetErrorInfo(result);
      last_failure_ = Shorten(
          absl::StrCat(info && !info->reason().empty() ? info->reason()
                                                       : absl::StatusCodeToString(result.code()),
                       ": ", result.message()),
          kMaxLastFailureBytes);
      if (probe ||
          (options_.failure_threshold > 0 && consecutive_failures_ >= options_.failure_threshold)) {
        Open(now);
      }
      return;
    }
  }
}

CircuitBreaker::State CircuitBreaker::state() {
  absl::MutexLock lock(&mu_);
  return state_;
}

}  // namespace hss::gateway
