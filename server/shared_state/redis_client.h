#ifndef HSS_SERVER_SHARED_STATE_REDIS_CLIENT_H_
#define HSS_SERVER_SHARED_STATE_REDIS_CLIENT_H_

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/shared_state/redis_endpoint.h"
#include "server/shared_state/redis_reply.h"

struct redisAsyncContext;

namespace hss::gateway {

// Settings of the Redis client, fixed at start-up.
struct RedisClientOptions {
  RedisEndpoint endpoint;
  // Sent with AUTH after each connect (with endpoint.username when it names an
  // ACL user); empty: no AUTH. Never logged.
  std::string password;
  // A command not answered within this fails with UNAVAILABLE (its caller then
  // decides without Redis); the late answer is dropped.
  absl::Duration command_timeout = absl::Milliseconds(50);
  // Connect + AUTH + SELECT + `on_connect` + PING must finish within this.
  absl::Duration connect_timeout = absl::Milliseconds(500);
  // Commands sent and not answered yet, at most; more fail at once.
  int max_in_flight = 1024;
  // This many timeouts in a row drop the connection: a Redis that does not
  // answer is treated as down, so calls stop waiting for it at all.
  int timeouts_to_reconnect = 3;
  // Reconnection backoff: doubles from the initial value up to the maximum.
  absl::Duration reconnect_initial_backoff = absl::Milliseconds(100);
  absl::Duration reconnect_max_backoff = absl::Seconds(5);
  // Commands sent on every new connection before it counts as up (e.g.
  // SCRIPT LOAD of the scripts the callers run by EVALSHA); an error answer
  // fails the connection.
  std::vector<std::vector<std::string>> on_connect;
};

// An asynchronous Redis client (hiredis's async API) driven by one thread of
// its own: callers never block, every command ends within the command timeout,
// and the connection is re-established with backoff after any failure.
// Thread-safe.
class RedisClient {
 public:
  // Receives the reply (an error reply is a reply, not an error), or
  // UNAVAILABLE when Redis is not connected, too many commands are in flight,
  // or the command timed out. Runs on the client's thread, or inside Command()
  // when the command fails at once; must not block.
  using ReplyCallback = absl::AnyInvocable<void(absl::StatusOr<RedisReply>) &&>;
  // Told each time the client becomes ready (true) or loses the connection
  // (false), on the client's thread.
  using StateCallback = absl::AnyInvocable<void(bool ready)>;

  // Starts the thread, which connects at once and keeps reconnecting.
  static std::unique_ptr<RedisClient> Start(RedisClientOptions options,
                                            StateCallback on_state = nullptr);

  // Calls Shutdown(); must not run on the client's own thread, so the owner
  // calls Shutdown() first when a reply callback may hold the last reference.
  ~RedisClient();

  // Stops the thread, failing the commands in flight with UNAVAILABLE (their
  // callbacks run before this returns); later commands fail at once.
  // Idempotent; call it from another thread than the client's.
  void Shutdown();

  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends `argv` (binary-safe arguments). `done` runs exactly once.
  void Command(std::vector<std::string> argv, ReplyCallback done);

  // True while connected and past the handshake.
  bool ready() const { return ready_.load(std::memory_order_acquire); }

  // The endpoint, for log lines.
  const RedisEndpoint& endpoint() const { return options_.endpoint; }

 private:
  struct Pending;
  struct Queued {
    std::vector<std::string> argv;
    ReplyCallback done;
  };
  enum class Phase { kDown, kConnecting, kHandshake, kReady };

  RedisClient(RedisClientOptions options, StateCallback on_state, int wakeup_fd);
  void Wake();
  void Loop();
  void Connect(absl::Time now);
  void SendHandshake();
  void SendQueued(std::deque<Queued>& queued, absl::Time now);
  void ExpireCommands(absl::Time now);
  void DropConnection(absl::string_view why);
  void ConnectionLost(absl::string_view why);
  void SetReady(bool ready);
  void Send(const std::vector<std::string>& argv, std::unique_ptr<Pending> pending);

  static void OnConnect(const redisAsyncContext* ac, int status);
  static void OnDisconnect(const redisAsyncContext* ac, int status);
  static void OnReply(redisAsyncContext* ac, void* reply, void* privdata);

  const RedisClientOptions options_;
  StateCallback on_state_;
  const int wakeup_fd_;
  std::atomic<bool> ready_{false};
  std::atomic<int> in_flight_{0};

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<Queued> queued_ ABSL_GUARDED_BY(mu_);

  // Owned by the loop thread.
  redisAsyncContext* ac_ = nullptr;
  Phase phase_ = Phase::kDown;
  bool want_read_ = false;
  bool want_write_ = false;
  absl::Time connect_deadline_;
  absl::Time retry_at_;
  absl::Duration backoff_;
  int handshake_left_ = 0;
  int timeouts_in_a_row_ = 0;
  // A reply callback asked for the connection to be dropped (done after it).
  bool drop_requested_ = false;
  std::string drop_reason_;
  // The "not reachable" warning was logged since the client was last ready.
  bool logged_down_ = false;
  // Sent commands in send order (their deadlines are in the same order).
  std::deque<Pending*> sent_;

  std::thread loop_;
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_SHARED_STATE_REDIS_CLIENT_H_
