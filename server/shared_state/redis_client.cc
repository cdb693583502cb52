#include "server/shared_state/redis_client.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/runtime/log.h"

namespace hss::gateway {
namespace {

RedisReply CopyReply(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      break;
    default:
      out.type = RedisReply::Type::kNil;
      break;
  }
  out.integer = reply.integer;
  if (reply.str != nullptr) out.str.assign(reply.str, reply.len);
  out.elements.reserve(reply.elements);
  for (std::size_t i = 0; i < reply.elements; ++i)
    out.elements.push_back(CopyReply(*reply.element[i]));
  return out;
}

absl::Status Unavailable(const RedisEndpoint& endpoint, absl::string_view why) {
  return absl::UnavailableError(absl::StrCat("Redis at ", endpoint.ToString(), ": ", why));
}

}  // namespace

// A command handed to hiredis; hiredis gives it back exactly once (OnReply).
struct RedisClient::Pending {
  ReplyCallback done;
  absl::Time deadline;
  // `done` has run (answered, timed out or failed).
  bool finished = false;
  // One of the connection's own AUTH / SELECT / on_connect commands.
  bool handshake = false;
};

std::unique_ptr<RedisClient> RedisClient::Start(RedisClientOptions options,
                                                StateCallback on_state) {
  const int wakeup_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeup_fd < 0) return nullptr;
  return std::unique_ptr<RedisClient>(
      new RedisClient(std::move(options), std::move(on_state), wakeup_fd));
}

RedisClient::RedisClient(RedisClientOptions options, StateCallback on_state, int wakeup_fd)
    : options_(std::move(options)),
      on_state_(std::move(on_state)),
      wakeup_fd_(wakeup_fd),
      backoff_(options_.reconnect_initial_backoff),
      loop_([this] { Loop(); }) {}

RedisClient::~RedisClient() {
  Shutdown();
  close(wakeup_fd_);
}

void RedisClient::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  Wake();
  loop_.join();
}

void RedisClient::Wake() {
  const std::uint64_t one = 1;
  (void)!write(wakeup_fd_, &one, sizeof(one));
}

void RedisClient::Command(std::vector<std::string> argv, ReplyCallback done) {
  if (!ready()) {
    std::move(done)(Unavailable(options_.endpoint, "not connected"));
    return;
  }
  if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= options_.max_in_flight) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    std::move(done)(
        Unavailable(options_.endpoint,
                    absl::StrCat("more than ", options_.max_in_flight, " commands in flight")));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queued_.push_back(Queued{std::move(argv), std::move(done)});
      done = nullptr;
    }
  }
  if (done != nullptr) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    std::move(done)(Unavailable(options_.endpoint, "the client is stopping"));
    return;
  }
  Wake();
}

void RedisClient::Loop() {
  std::deque<Queued> queued;
  Connect(absl::Now());
  for (;;) {
    bool stopping;
    {
      absl::MutexLock lock(&mu_);
      stopping = stopping_;
      queued.swap(queued_);
    }
    absl::Time now = absl::Now();
    if (stopping) {
      for (Queued& q : queued) {
        in_flight_.fetch_sub(1, std::memory_order_relaxed);
        std::move(q.done)(Unavailable(options_.endpoint, "the client is stopping"));
      }
      queued.clear();
      DropConnection("");
      ready_.store(false, std::memory_order_release);
      break;
    }
    SendQueued(queued, now);
    ExpireCommands(now);
    if (phase_ == Phase::kDown && now >= retry_at_) Connect(now);
    if ((phase_ == Phase::kConnecting || phase_ == Phase::kHandshake) && now >= connect_deadline_) {
      DropConnection("no connection within the connect timeout");
    }

    // Sleep until a socket is ready, a wakeup, or the next deadline.
    absl::Time wake_at = now + absl::Seconds(1);
    for (const Pending* p : sent_) {
      if (!p->finished) {
        wake_at = std::min(wake_at, p->deadline);
        break;
      }
    }
    if (phase_ == Phase::kDown) wake_at = std::min(wake_at, retry_at_);
    if (phase_ == Phase::kConnecting || phase_ == Phase::kHandshake) {
      wake_at = std::min(wake_at, connect_deadline_);
    }
    pollfd fds[2] = {{wakeup_fd_, POLLIN, 0}, {-1, 0, 0}};
    if (ac_ != nullptr) {
      fds[1].fd = ac_->c.fd;
      fds[1].events = static_cast<short>((want_read_ ? POLLIN : 0) | (want_write_ ? POLLOUT : 0));
    }
    const int timeout_ms = static_cast<int>(std::clamp<std::int64_t>(
        absl::ToInt64Milliseconds(absl::Ceil(wake_at - now, absl::Milliseconds(1))), 0, 1000));
    if (poll(fds, 2, timeout_ms) < 0) continue;  // EINTR
    if ((fds[0].revents & POLLIN) != 0) {
      std::uint64_t count = 0;
      (void)!read(wakeup_fd_, &count, sizeof(count));
    }
    const short events = fds[1].revents;
    if (ac_ != nullptr && want_read_ && (events & (POLLIN | POLLERR | POLLHUP)) != 0) {
      redisAsyncHandleRead(ac_);
    }
    if (ac_ != nullptr && want_write_ && (events & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      redisAsyncHandleWrite(ac_);
    }
    if (drop_requested_) {
      drop_requested_ = false;
      DropConnection(drop_reason_);
    }
  }
}

void RedisClient::Connect(absl::Time now) {
  redisAsyncContext* ac = redisAsyncConnect(options_.endpoint.host.c_str(), options_.endpoint.port);
  if (ac == nullptr || ac->err != 0) {
    const std::string why = ac == nullptr ? "out of memory" : ac->errstr;
    if (ac != nullptr) redisAsyncFree(ac);
    ConnectionLost(absl::StrCat("cannot connect: ", why));
    return;
  }
  ac->data = this;
  ac->ev.data = this;
  ac->ev.addRead = [](void* self) { static_cast<RedisClient*>(self)->want_read_ = true; };
  ac->ev.delRead = [](void* self) { static_cast<RedisClient*>(self)->want_read_ = false; };
  ac->ev.addWrite = [](void* self) { static_cast<RedisClient*>(self)->want_write_ = true; };
  ac->ev.delWrite = [](void* self) { static_cast<RedisClient*>(self)->want_write_ = false; };
  ac->ev.cleanup = [](void* self) {
    auto* client = static_cast<RedisClient*>(self);
    client->want_read_ = client->want_write_ = false;
  };
  redisAsyncSetConnectCallback(ac, &RedisClient::OnConnect);
  redisAsyncSetDisconnectCallback(ac, &RedisClient::OnDisconnect);
  ac_ = ac;
  phase_ = Phase::kConnecting;
  connect_deadline_ = now + options_.connect_timeout;
  // hiredis learns that a non-blocking connect finished from write readiness.
  want_write_ = true;
}

void RedisClient::OnConnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisClient*>(ac->data);
  if (status != REDIS_OK) {
    // hiredis frees the context after this returns.
    self->ac_ = nullptr;
    self->ConnectionLost(absl::StrCat("cannot connect: ", ac->errstr));
    return;
  }
  self->phase_ = Phase::kHandshake;
  self->SendHandshake();
}

void RedisClient::SendHandshake() {
  std::vector<std::vector<std::string>> commands;
  if (!options_.password.empty()) {
    if (options_.endpoint.username.empty()) {
      commands.push_back({"AUTH", options_.password});
    } else {
      commands.push_back({"AUTH", options_.endpoint.username, options_.password});
    }
  }
  if (options_.endpoint.db != 0) commands.push_back({"SELECT", absl::StrCat(options_.endpoint.db)});
  for (const auto& command : options_.on_connect) commands.push_back(command);
  // The kernel accepts a connection for a Redis that is stopped or hung: only
  // an answer proves that Redis itself is there.
  commands.push_back({"PING"});
  handshake_left_ = static_cast<int>(commands.size());
  for (const auto& command : commands) {
    auto pending = std::make_unique<Pending>();
    pending->handshake = true;
    pending->deadline = connect_deadline_;
    Send(command, std::move(pending));
    if (ac_ == nullptr) return;
  }
}

void RedisClient::Send(const std::vector<std::string>& argv, std::unique_ptr<Pending> pending) {
  std::vector<const char*> args;
  std::vector<std::size_t> lengths;
  for (const std::string& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  Pending* raw = pending.release();
  if (redisAsyncCommandArgv(ac_, &RedisClient::OnReply, raw, static_cast<int>(args.size()),
                            args.data(), lengths.data()) != REDIS_OK) {
    // Not queued in hiredis (the connection is going away): fail it here.
    std::unique_ptr<Pending> failed(raw);
    if (!failed->handshake) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      std::move(failed->done)(Unavailable(options_.endpoint, "the connection is closing"));
    }
    return;
  }
  sent_.push_back(raw);
}

void RedisClient::SendQueued(std::deque<Queued>& queued, absl::Time now) {
  for (Queued& q : queued) {
    if (phase_ != Phase::kReady || ac_ == nullptr) {
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      std::move(q.done)(Unavailable(options_.endpoint, "not connected"));
      continue;
    }
    auto pending = std::make_unique<Pending>();
    pending->done = std::move(q.done);
    pending->deadline = now + options_.command_timeout;
    Send(q.argv, std::move(pending));
  }
  queued.clear();
}

void RedisClient::ExpireCommands(absl::Time now) {
  for (Pending* p : sent_) {
    if (p->deadline > now) break;  // Deadlines are in send order.
    if (p->finished || p->handshake) continue;
    p->finished = true;
    ++timeouts_in_a_row_;
    std::move(p->done)(Unavailable(
        options_.endpoint,
        absl::StrCat("no answer within ", absl::FormatDuration(options_.command_timeout))));
  }
  if (timeouts_in_a_row_ >= options_.timeouts_to_reconnect && ac_ != nullptr) {
    DropConnection(absl::StrCat(timeouts_in_a_row_, " commands in a row had no answer in time"));
  }
}

void RedisClient::OnReply(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* self = static_cast<RedisClient*>(ac->data);
  std::unique_ptr<Pending> pending(static_cast<Pending*>(privdata));
  auto it = std::find(self->sent_.begin(), self->sent_.end(), pending.get());
  if (it != self->sent_.end()) self->sent_.erase(it);
  const auto* r = static_cast<const redisReply*>(reply);
  if (pending->handshake) {
    if (r == nullptr || r->type == REDIS_REPLY_ERROR) {
      if (r != nullptr && !self->drop_requested_) {
        self->drop_requested_ = true;
        // Redis's own error text ("WRONGPASS ..."), never the password.
        self->drop_reason_ =
            absl::StrCat("the connection handshake failed: ", absl::string_view(r->str, r->len));
      }
      return;
    }
    if (--self->handshake_left_ == 0) self->SetReady(true);
    return;
  }
  self->in_flight_.fetch_sub(1, std::memory_order_relaxed);
  if (r != nullptr) self->timeouts_in_a_row_ = 0;
  if (pending->finished) return;  // Timed out earlier: the late answer is dropped.
  pending->finished = true;
  if (r == nullptr) {
    std::move(pending->done)(Unavailable(self->options_.endpoint, "the connection was lost"));
    return;
  }
  std::move(pending->done)(CopyReply(*r));
}

void RedisClient::OnDisconnect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<RedisClient*>(ac->data);
  if (self->ac_ == nullptr) return;  // DropConnection() freed it and handles the rest.
  self->ac_ = nullptr;
  self->ConnectionLost(status == REDIS_OK ? "the connection was closed"
                                          : absl::StrCat("the connection failed: ", ac->errstr));
}

void RedisClient::DropConnection(absl::string_view why) {
  if (ac_ == nullptr) return;
  redisAsyncContext* ac = ac_;
  ac_ = nullptr;
  // Runs every outstanding callback with no reply (UNAVAILABLE) and closes.
  redisAsyncFree(ac);
  if (!why.empty()) ConnectionLost(why);
}

void RedisClient::ConnectionLost(absl::string_view why) {
  const bool was_ready = phase_ == Phase::kReady;
  phase_ = Phase::kDown;
  want_read_ = want_write_ = false;
  timeouts_in_a_row_ = 0;
  retry_at_ = absl::Now() + backoff_;
  if (was_ready) {
    LogEvent("warning", absl::StrCat("shared state: lost Redis at ", options_.endpoint.ToString(),
                                     " (", why, "); reconnecting with backoff"));
    SetReady(false);
  } else if (!logged_down_) {
    LogEvent("warning", absl::StrCat("shared state: Redis at ", options_.endpoint.ToString(),
                                     " is not reachable (", why, "); retrying with backoff"));
  }
  logged_down_ = true;
  backoff_ = std::min(backoff_ * 2, options_.reconnect_max_backoff);
}

void RedisClient::SetReady(bool ready) {
  if (ready) {
    phase_ = Phase::kReady;
    backoff_ = options_.reconnect_initial_backoff;
    logged_down_ = false;
    LogEvent("info",
             absl::StrCat("shared state: connected to Redis at ", options_.endpoint.ToString()));
  }
  ready_.store(ready, std::memory_order_release);
  if (on_state_ != nullptr) on_state_(ready);
}

}  // namespace hss::gateway
