#ifndef HSS_SERVER_RUNTIME_CALL_CONTEXT_H_
#define HSS_SERVER_RUNTIME_CALL_CONTEXT_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "server/runtime/cancellation.h"
#include "server/runtime/trace_context.h"

namespace hss::gateway {

// What every layer below the gRPC edge needs to know about the caller's call.
struct CallContext {
  // The caller's deadline; InfiniteFuture() when it set none.
  absl::Time deadline = absl::InfiniteFuture();
  // The caller's own upstream token (passthrough auth); empty otherwise. Secret.
  std::string passthrough_token;
  // Who the upstream sees as the caller, for quotas, coalescing and caching:
  // "token:<sha256 prefix>" for passthrough, "ak:<AK>", "iam:<user@domain>" or
  // "token:<prefix>" for the gateway's own credentials. Never a secret.
  std::string upstream_identity;
  // The caller asked to bypass the page cache (metadata cache-control: no-cache).
  bool bypass_cache = false;
  // Redis (--shared_state) already failed this call once (down, silent past
  // its command timeout, or an error answer): the layers below decide without
  // it, so that no call waits on Redis longer than one command timeout.
  bool shared_state_failed = false;
  // The W3C trace the call belongs to; upstream requests carry its traceparent.
  TraceContext trace;
  // Fires when the caller cancels; never null.
  std::shared_ptr<Cancellation> cancellation = std::make_shared<Cancellation>();
};

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_CALL_CONTEXT_H_
