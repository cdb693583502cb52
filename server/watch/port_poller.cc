#include "server/watch/port_poller.h"

#include <algorithm>
#include <utility>

#include "server/runtime/metrics_recorder.h"
#include "server/watch/change_batches.h"
#include "server/watch/port_diff.h"

namespace hss::gateway {
namespace {

// Failures that polling again cannot mend (the request, the credentials or
// the caller's rights are wrong).
bool IsPermanentFailure(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
      return true;
    default:
      return false;
  }
}

}  // namespace

using hss::ports::v1::ListPortsRequest;
using hss::ports::v1::PortChange;
using hss::ports::v1::WatchPortsResponse;

std::shared_ptr<PortPoller> PortPoller::Create(std::shared_ptr<PortsConnection> connection,
                                               std::shared_ptr<Scheduler> scheduler,
                                               WatchOptions options, CallContext context,
                                               std::string project_id, ListPortsRequest query,
                                               absl::AnyInvocable<void()> on_idle) {
  return std::shared_ptr<PortPoller>(new PortPoller(
      std::move(connection), std::move(scheduler), std::move(options), std::move(context),
      std::move(project_id), std::move(query), std::move(on_idle)));
}

PortPoller::PortPoller(std::shared_ptr<PortsConnection> connection,
                       std::shared_ptr<Scheduler> scheduler, WatchOptions options,
                       CallContext context, std::string project_id, ListPortsRequest query,
                       absl::AnyInvocable<void()> on_idle)
    : connection_(std::move(connection)),
      scheduler_(std::move(scheduler)),
      options_(std::move(options)),
      context_(std::move(context)),
      project_id_(std::move(project_id)),
      query_(std::move(query)),
      on_idle_(std::move(on_idle)),
      interval_(EffectiveInterval(options_, absl::ZeroDuration(), 1)) {}

PortPoller::~PortPoller() {
  absl::MutexLock lock(&mu_);
  StopLocked();
}

std::optional<uint64_t> PortPoller::AddWatcher(absl::Duration requested_interval,
                                               absl::AnyInvocable<void()> notify) {
  uint64_t id = 0;
  bool start = false;
  Notify ready;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return std::nullopt;
    id = next_id_++;
    Slot& slot = watchers_.emplace(id, Slot(static_cast<size_t>(options_.max_pending_messages)))
                     .first->second;
    slot.notify = std::make_shared<absl::AnyInvocable<void()>>(std::move(notify));
    const absl::Duration requested =
        requested_interval <= absl::ZeroDuration() ? options_.default_interval : requested_interval;
    requested_ = std::min(requested_, requested);
    interval_ = EffectiveInterval(options_, requested_, std::max(1, stats_.pages));
    start = !started_;
    started_ = true;
    // A late joiner: the snapshot of the last poll is ready now.
    if (state_.has_value() || end_.has_value()) ready = slot.notify;
  }
  if (start) StartPoll();
  if (ready != nullptr) (*ready)();
  return id;
}

void PortPoller::RemoveWatcher(uint64_t id) {
  absl::AnyInvocable<void()> on_idle;
  std::shared_ptr<Cancellation> cancel;
  {
    absl::MutexLock lock(&mu_);
    watchers_.erase(id);
    if (!watchers_.empty() || stopped_) return;
    cancel = walk_cancel_;
    StopLocked();
    on_idle = std::move(on_idle_);
  }
  // Without mu_: the walk's cancellation runs its notification (PumpWalk).
  if (cancel != nullptr) cancel->Cancel();
  if (on_idle) on_idle();
}

void PortPoller::StopLocked() {
  stopped_ = true;
  if (timer_ != 0) {
    scheduler_->CancelTimer(timer_);
    timer_ = 0;
  }
}

PortPoller::Next PortPoller::NextFor(uint64_t id) {
  absl::MutexLock lock(&mu_);
  Next next;
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return next;
  Slot& slot = it->second;
  if (slot.queue.needs_reset() && state_.has_value() && !end_.has_value()) {
    if (snapshot_.empty()) {
      BatchOptions batch{options_.max_changes_per_message,
                         static_cast<int>(absl::ToInt64Seconds(interval_))};
      snapshot_ = ShareMessages(SnapshotMessages(*state_, batch));
    }
    slot.queue.PutSnapshot(snapshot_);
    slot.last_sent = scheduler_->Now();
  }
  next.message = slot.queue.Pop();
  if (next.message == nullptr && end_.has_value()) next.end = end_;
  return next;
}

int PortPoller::interval_seconds() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(absl::ToInt64Seconds(interval_));
}

PortPoller::Stats PortPoller::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

void PortPoller::ScheduleLocked(absl::Duration delay) {
  if (stopped_) return;
  std::weak_ptr<PortPoller> weak = weak_from_this();
  timer_ = scheduler_->RunAt(scheduler_->Now() + delay, [weak]() {
    if (auto self = weak.lock()) self->StartPoll();
  });
}

void PortPoller::StartPoll() {
  std::shared_ptr<PageWalk> walk;
  {
    absl::MutexLock lock(&mu_);
    timer_ = 0;
    if (stopped_ || walk_ != nullptr) return;
    CallContext call = context_;
    walk_cancel_ = std::make_shared<Cancellation>();
    call.cancellation = walk_cancel_;
    // A poll that cannot finish within a few intervals is a failed poll.
    // (Deadlines are wall-clock, as the transport and the rate limiter read them.)
    call.deadline = absl::Now() + std::max(interval_ * 3, absl::Seconds(60));
    rows_.clear();
    pages_ = 0;
    walk_total_.reset();
    walk_consistent_ = true;
    ++stats_.started_polls;
    std::weak_ptr<PortPoller> weak = weak_from_this();
    walk = connection_->NewWalk(call, project_id_, query_, options_.page_size, 0, [weak] {
      if (auto self = weak.lock()) self->PumpWalk();
    });
    walk_ = walk;
  }
  walk->Start();
  PumpWalk();
}

void PortPoller::PumpWalk() {
  std::optional<absl::Status> done;
  {
    absl::MutexLock lock(&mu_);
    if (pumping_) {
      pump_again_ = true;
      return;
    }
    pumping_ = true;
    do {
      pump_again_ = false;
      if (walk_ == nullptr) break;
      std::shared_ptr<PageWalk> walk = walk_;
      mu_.Unlock();
      PageWalk::Step step = walk->Next();
      mu_.Lock();
      if (walk_ != walk) break;
      if (step.kind == PageWalk::Step::kPage) {
        ++pages_;
        if (walk_total_.has_value() && *walk_total_ != step.page.total_num()) {
          walk_consistent_ = false;
        }
        walk_total_ = step.page.total_num();
        for (auto& port : *step.page.mutable_ports()) rows_.push_back(std::move(port));
        pump_again_ = true;
      } else if (step.kind == PageWalk::Step::kDone) {
        walk_ = nullptr;
        done = std::move(step.status);
        break;
      }
    } while (pump_again_);
    pumping_ = false;
  }
  if (done.has_value()) OnPollDone(*std::move(done));
}

void PortPoller::OnPollDone(absl::Status status) {
  std::vector<Notify> notifies;
  bool ok = false;
  long long changed = 0;
  {
    absl::MutexLock lock(&mu_);
    walk_cancel_ = nullptr;
    if (stopped_) return;
    const absl::Time now = scheduler_->Now();
    if (!status.ok()) {
      ++stats_.failed_polls;
      ++consecutive_failures_;
      if (!failing_since_.has_value()) failing_since_ = now;
      if (now - *failing_since_ >= options_.max_failure ||
          (!state_.has_value() && IsPermanentFailure(status))) {
        end_ = std::move(status);
        StopLocked();
        for (auto& [id, slot] : watchers_) notifies.push_back(slot.notify);
      } else {
        const absl::Duration cap = std::max(interval_, options_.max_backoff);
        absl::Duration delay = interval_;
        for (int i = 1; i < consecutive_failures_ && delay < cap; ++i) delay *= 2;
        ScheduleLocked(std::min(delay, cap));
      }
    } else {
      failing_since_.reset();
      consecutive_failures_ = 0;
      ++stats_.polls;
      stats_.pages = pages_;
      interval_ = EffectiveInterval(options_, requested_, std::max(1, pages_));
      const bool complete = walk_consistent_ && walk_total_.has_value() &&
                            static_cast<size_t>(*walk_total_) == rows_.size();
      PolledPorts polled = CollectPorts(rows_);
      rows_.clear();
      snapshot_.clear();  // the state or the interval may change
      const BatchOptions batch{options_.max_changes_per_message,
                               static_cast<int>(absl::ToInt64Seconds(interval_))};
      if (!state_.has_value()) {
        state_ = std::move(polled.ports);
        // Every watcher waits for this first snapshot.
        for (auto& [id, slot] : watchers_) notifies.push_back(slot.notify);
      } else {
        const int held_before = static_cast<int>(state_->size());
        std::vector<PortChange> changes = DiffPorts(*state_, polled.ports, complete);
        ApplyChanges(changes, *state_);
        stats_.changes += static_cast<long long>(changes.size());
        changed = static_cast<long long>(changes.size());
        std::vector<SharedWatchMessage> messages;
        if (!changes.empty()) messages = ShareMessages(ChangeMessages(changes, held_before, batch));
        SharedWatchMessage heartbeat;
        for (auto& [id, slot] : watchers_) {
          if (slot.queue.needs_reset()) {
            notifies.push_back(slot.notify);
            continue;
          }
          if (!messages.empty()) {
            slot.queue.Push(messages);
          } else if (now - slot.last_sent >= options_.heartbeat) {
            if (heartbeat == nullptr) {
              heartbeat = ShareMessages({HeartbeatMessage(static_cast<int>(state_->size()), batch)})
                              .front();
            }
            slot.queue.Push({heartbeat});
          } else {
            continue;
          }
          slot.last_sent = now;
          notifies.push_back(slot.notify);
        }
      }
      ScheduleLocked(interval_);
      ok = true;
    }
  }
  Metrics().WatchPolled(ok, static_cast<int>(changed));
  RunAll(notifies);
}

void PortPoller::RunAll(const std::vector<Notify>& notifies) {
  for (const Notify& notify : notifies) (*notify)();
}

}  // namespace hss::gateway
