#include "server/watch/watch_hub.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/aksk_signer.h"

namespace hss::gateway {

Watcher::Watcher(std::shared_ptr<PortPoller> poller, uint64_t id)
    : poller_(std::move(poller)), id_(id) {}

Watcher::~Watcher() { poller_->RemoveWatcher(id_); }

std::string WatchKey(const CallContext& context, const std::string& project_id,
                     const hss::ports::v1::ListPortsRequest& query) {
  std::string bytes;
  query.SerializeToString(&bytes);
  return hss::HexSha256(absl::StrCat(context.upstream_identity.size(), ":",
                                     context.upstream_identity, project_id.size(), ":", project_id,
                                     bytes));
}

WatchHub::WatchHub(std::shared_ptr<PortsConnection> connection,
                   std::shared_ptr<Scheduler> scheduler, WatchOptions options)
    : connection_(std::move(connection)),
      scheduler_(std::move(scheduler)),
      options_(std::move(options)) {}

std::unique_ptr<Watcher> WatchHub::Join(const CallContext& context, const std::string& project_id,
                                        const hss::ports::v1::ListPortsRequest& query,
                                        absl::Duration requested_interval,
                                        absl::AnyInvocable<void()> notify) {
  const std::string key = WatchKey(context, project_id, query);
  auto shared_notify = std::make_shared<absl::AnyInvocable<void()>>(std::move(notify));
  const auto forward = [shared_notify] { (*shared_notify)(); };
  for (;;) {
    std::shared_ptr<PortPoller> poller;
    {
      absl::MutexLock lock(&mu_);
      auto it = pollers_.find(key);
      if (it != pollers_.end()) poller = it->second.lock();
      if (poller == nullptr) {
        // The poller's own context: the caller's credentials, none of its
        // cancellation, deadline or trace.
        CallContext upstream;
        upstream.passthrough_token = context.passthrough_token;
        upstream.upstream_identity = context.upstream_identity;
        std::weak_ptr<WatchHub> weak_hub = weak_from_this();
        auto created = std::make_shared<std::weak_ptr<PortPoller>>();
        poller = PortPoller::Create(connection_, scheduler_, options_, std::move(upstream),
                                    project_id, query, [weak_hub, key, created] {
                                      if (auto hub = weak_hub.lock()) {
                                        hub->Forget(key, created->lock().get());
                                      }
                                    });
        *created = poller;
        pollers_[key] = poller;
      }
    }
    // Outside mu_: the first watcher starts the poll, a late one is notified.
    if (std::optional<uint64_t> id = poller->AddWatcher(requested_interval, forward)) {
      return std::make_unique<Watcher>(std::move(poller), *id);
    }
    // The poller stopped meanwhile (its last watcher left): start another.
    Forget(key, poller.get());
  }
}

void WatchHub::Forget(const std::string& key, const PortPoller* poller) {
  absl::MutexLock lock(&mu_);
  auto it = pollers_.find(key);
  if (it == pollers_.end()) return;
  std::shared_ptr<PortPoller> current = it->second.lock();
  if (current == nullptr || current.get() == poller) pollers_.erase(it);
}

size_t WatchHub::pollers() const {
  absl::MutexLock lock(&mu_);
  size_t live = 0;
  for (const auto& [key, poller] : pollers_) live += poller.expired() ? 0 : 1;
  return live;
}

}  // namespace hss::gateway
