#include "server/connection/page_walk.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/runtime/error_reasons.h"
#include "server/runtime/status_details.h"

namespace hss::gateway {

namespace {

// A hash of every field of every port of `page`: equal pages give equal values,
// and without serializing the page again.
uint64_t PageFingerprint(const hss::ports::v1::ListPortsResponse& page) {
  size_t hash = absl::HashOf(page.total_num(), page.data_list_size());
  for (const auto& port : page.data_list()) {
    hash = absl::HashOf(hash, port.host_id(), port.laddr(), port.status_text(), port.port(),
                        static_cast<int>(port.type()), port.pid(), port.path(), port.agent_id(),
                        port.container_id());
  }
  return hash;
}

}  // namespace

std::shared_ptr<PageWalk> PageWalk::Create(std::shared_ptr<HssStub> stub,
                                           const CallContext& context, std::string project_id,
                                           hss::ports::v1::ListPortsRequest query,
                                           PageWalkOptions options,
                                           absl::AnyInvocable<void()> notify) {
  std::shared_ptr<PageWalk> walk(new PageWalk(std::move(stub), context, std::move(project_id),
                                              std::move(query), options, std::move(notify)));
  return walk;
}

PageWalk::PageWalk(std::shared_ptr<HssStub> stub, const CallContext& context,
                   std::string project_id, hss::ports::v1::ListPortsRequest query,
                   PageWalkOptions options, absl::AnyInvocable<void()> notify)
    : stub_(std::move(stub)),
      parent_(context),
      context_(context),
      project_id_(std::move(project_id)),
      query_(std::move(query)),
      options_(options),
      notify_(std::move(notify)),
      next_fetch_offset_(options.start_offset),
      deliver_offset_(options.start_offset),
      window_(
          std::clamp(options.prefetch_initial_pages, 1, std::max(options.prefetch_max_pages, 1))),
      page_bytes_estimate_(int64_t{options.page_size} * kPortBytesEstimate) {
  context_.cancellation = std::make_shared<Cancellation>();
  stats_.window = stats_.max_window = window_;
}

PageWalk::~PageWalk() {
  if (parent_hook_ != 0) parent_.cancellation->Unregister(parent_hook_);
  if (options_.budget != nullptr) {
    for (const auto& [offset, bytes] : held_bytes_) options_.budget->Release(bytes);
  }
}

void PageWalk::HoldBytes(int offset, int64_t bytes) {
  if (options_.budget == nullptr) return;
  int64_t& held = held_bytes_[offset];
  if (bytes > held) options_.budget->Acquire(bytes - held);
  if (bytes < held) options_.budget->Release(held - bytes);
  held = bytes;
  if (bytes == 0) held_bytes_.erase(offset);
}

void PageWalk::Start() {
  // The caller's cancellation (or deadline, which gRPC turns into one) ends the
  // walk whatever it is waiting for. A weak reference: the caller's
  // cancellation outlives the walk and must not keep it alive.
  std::weak_ptr<PageWalk> weak = weak_from_this();
  const Cancellation::Handle hook = parent_.cancellation->OnCancel([weak] {
    if (auto self = weak.lock()) self->OnCallerCancelled();
  });
  std::vector<int> offsets;
  {
    absl::MutexLock lock(&mu_);
    parent_hook_ = hook;
    offsets = PlanFetches();
  }
  for (int offset : offsets) Fetch(offset, 1);
}

void PageWalk::OnCallerCancelled() {
  {
    absl::MutexLock lock(&mu_);
    if (final_status_.has_value()) return;  // Over already; nothing changes.
    absl::Status status = absl::Now() >= parent_.deadline - kDeadlineClockSlack
                              ? MakeError(absl::StatusCode::kDeadlineExceeded,
                                          "the caller's deadline expired before the walk ended",
                                          kReasonDeadlineExceeded)
                              : CallerCancelledError();
    AddErrorMetadata(status, kMetaResumeOffset, absl::StrCat(deliver_offset_));
    EndWith(std::move(status));
  }
  context_.cancellation->Cancel();  // Transfers in flight end and report back.
  notify_();
}

std::vector<int> PageWalk::PlanFetches() {
  std::vector<int> offsets;
  if (final_status_.has_value()) return offsets;
  while (in_flight_ + static_cast<int>(fetched_.size()) < window_ &&
         next_fetch_offset_ <= options_.max_offset) {
    // The page the consumer needs next is always fetched; pages beyond it only
    // while the latest total says they exist and the shared budget allows.
    const bool needed = next_fetch_offset_ == deliver_offset_;
    const bool exists = known_total_.has_value() && next_fetch_offset_ < *known_total_;
    if (!needed && !exists) break;
    if (options_.budget != nullptr) {
      if (needed) {
        options_.budget->Acquire(page_bytes_estimate_);
      } else if (!options_.budget->TryAcquire(page_bytes_estimate_)) {
        ++stats_.budget_refusals;
        break;
      }
      held_bytes_[next_fetch_offset_] = page_bytes_estimate_;
    }
    offsets.push_back(next_fetch_offset_);
    next_fetch_offset_ += options_.page_size;
    ++in_flight_;
  }
  return offsets;
}

void PageWalk::Fetch(int offset, int attempt) {
  hss::ports::v1::ListPortsRequest request = query_;
  request.set_limit(options_.page_size);
  request.set_offset(offset);
  stub_->AsyncListPorts(
      context_, project_id_, request,
      [self = shared_from_this(), offset, attempt](absl::StatusOr<PortsPage> result) mutable {
        self->OnFetched(offset, attempt, std::move(result));
      });
}

void PageWalk::OnFetched(int offset, int attempt, absl::StatusOr<PortsPage> result) {
  bool retry = false;
  {
    absl::MutexLock lock(&mu_);
    if (final_status_.has_value()) {
      --in_flight_;  // The walk is over; the result is not needed.
      HoldBytes(offset, 0);
    } else if (!result.ok() && result.status().code() == absl::StatusCode::kUnavailable &&
               attempt < options_.max_attempts && !context_.cancellation->cancelled()) {
      retry = true;
      ++stats_.retries;
    } else {
      --in_flight_;
      ++stats_.pages_fetched;
      if (result.ok()) {
        stats_.last_http_status = result->http_status;
        stats_.last_request_id = result->request_id;
        if (result->has_total_num) known_total_ = result->response.total_num();
        const int64_t bytes = static_cast<int64_t>(result->response.ByteSizeLong());
        page_bytes_estimate_ = std::max<int64_t>(bytes, 1);
        HoldBytes(offset, bytes);
      } else {
        HoldBytes(offset, 0);
      }
      fetched_.emplace(offset, std::move(result));
    }
  }
  if (retry) {
    Fetch(offset, attempt + 1);
    return;
  }
  notify_();
}

void PageWalk::EndWith(absl::Status status) {
  final_status_ = std::move(status);
  for (const auto& [offset, page] : fetched_) HoldBytes(offset, 0);
  fetched_.clear();
}

PageWalk::Step PageWalk::Next() {
  Step step;
  std::vector<int> offsets;
  bool cancel_rest = false;
  {
    absl::MutexLock lock(&mu_);
    if (!final_status_.has_value()) {
      auto it = fetched_.find(deliver_offset_);
      if (it == fetched_.end()) {
        // The consumer waits for the upstream: a wider window would have had
        // the page ready. Once per wait.
        if (!consumer_waiting_) {
          consumer_waiting_ = true;
          window_ = std::min(window_ * 2, std::max(options_.prefetch_max_pages, 1));
          stats_.window = window_;
          stats_.max_window = std::max(stats_.max_window, window_);
        }
      } else {
        // Pages beyond this one already wait for the consumer: the window is
        // wider than the consumer needs.
        if (!consumer_waiting_ && fetched_.size() > 1) {
          window_ = std::max(window_ - 1, std::max(options_.prefetch_initial_pages, 1));
        }
        consumer_waiting_ = false;
        stats_.window = window_;
        stats_.max_window = std::max(stats_.max_window, window_);
        HoldBytes(deliver_offset_, 0);
        absl::StatusOr<PortsPage> result = std::move(it->second);
        fetched_.erase(it);
        if (!result.ok()) {
          absl::Status status = result.status();
          AddErrorMetadata(status, kMetaResumeOffset, absl::StrCat(deliver_offset_));
          EndWith(std::move(status));
          cancel_rest = true;
        } else if (result->response.data_list_size() == 0) {
          EndWith(absl::OkStatus());  // An empty page: nothing more to walk.
          cancel_rest = true;
        } else {
          auto& response = result->response;
          // A page longer than asked for keeps its first page_size ports: the
          // next page starts there, so nothing is skipped or repeated.
          if (response.data_list_size() > options_.page_size) {
            response.mutable_data_list()->DeleteSubrange(
                options_.page_size, response.data_list_size() - options_.page_size);
          }
          const int count = response.data_list_size();
          // Only full pages can repeat: a short page ends the walk anyway.
          const std::optional<uint64_t> fingerprint =
              count == options_.page_size ? std::optional<uint64_t>(PageFingerprint(response))
                                          : std::nullopt;
          if (fingerprint.has_value() && fingerprint == previous_page_fingerprint_) {
            absl::Status status = MakeError(
                absl::StatusCode::kInternal,
                absl::StrCat("HSS returned the same page for offsets ",
                             deliver_offset_ - options_.page_size, " and ", deliver_offset_,
                             "; it appears to ignore offset, so the walk stopped"),
                kReasonUpstreamPagingStuck);
            AddErrorMetadata(status, kMetaResumeOffset, absl::StrCat(deliver_offset_));
            EndWith(std::move(status));
            cancel_rest = true;
          } else {
            previous_page_fingerprint_ = fingerprint;
            const bool last =
                count < options_.page_size ||
                (result->has_total_num && deliver_offset_ + count >= response.total_num());
            step.kind = Step::kPage;
            step.page.set_offset(deliver_offset_);
            step.page.set_total_num(response.total_num());
            step.page.mutable_ports()->Swap(response.mutable_data_list());
            deliver_offset_ += count;
            if (last) {
              EndWith(absl::OkStatus());
              cancel_rest = true;
            } else if (deliver_offset_ > options_.max_offset) {
              absl::Status status =
                  MakeError(absl::StatusCode::kOutOfRange,
                            absl::StrCat("the walk reached offset ", deliver_offset_,
                                         ", beyond the highest offset HSS accepts (",
                                         options_.max_offset, "); narrow the query with filters"),
                            kReasonWalkLimitExceeded);
              AddErrorMetadata(status, kMetaResumeOffset, absl::StrCat(deliver_offset_));
              EndWith(std::move(status));
              cancel_rest = true;
            }
          }
        }
      }
      offsets = PlanFetches();
    }
    if (step.kind != Step::kPage && final_status_.has_value() && in_flight_ == 0) {
      step.kind = Step::kDone;
      step.status = *final_status_;
    }
  }
  if (cancel_rest) context_.cancellation->Cancel();
  for (int offset : offsets) Fetch(offset, 1);
  return step;
}

PageWalk::Stats PageWalk::stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

}  // namespace hss::gateway
