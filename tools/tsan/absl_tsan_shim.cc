// ThreadSanitizer annotations for Debian's (uninstrumented) Abseil synchronization library.
//
// Debian's libabsl_synchronization.so is not built with -fsanitize=thread, so TSan cannot see
// the happens-before edges that absl::Mutex, absl::CondVar, absl::Notification and
// absl::BlockingCounter create (they use futexes and atomics, not pthreads), and reports every
// access guarded by them as a data race. This file, linked into every executable of the tsan
// build only (HSS_TSAN_SHIM), defines the exported member functions itself. Definitions in the
// executable take precedence over the shared library's, for our calls and for those made by
// libgrpc/libgpr (which use absl::Mutex for gpr_mu and grpc_core::Mutex). Each one forwards to
// the real function (dlsym(RTLD_NEXT, mangled name)) and tells TSan what happened, with the same
// annotations Abseil itself emits when it is built with TSan (absl/synchronization/mutex.cc).
//
// This file is compiled without -fsanitize=thread: it talks to TSan only through the annotation
// API. Condition callbacks that the real functions evaluate run between a pre_ and a post_
// annotation, where TSan ignores memory accesses, exactly as in an instrumented Abseil.

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/base/config.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

// The mangled names below spell the inline namespace of Debian's Abseil 20220623.
#if !defined(ABSL_LTS_RELEASE_VERSION) || ABSL_LTS_RELEASE_VERSION != 20220623 || \
    ABSL_OPTION_USE_INLINE_NAMESPACE != 1
#error "absl_tsan_shim.cc: update the mangled names (nm -D libabsl_synchronization.so)"
#endif
#define HSS_ABSL_NS "_ZN4absl7debian3"
#define HSS_ABSL_CONST_NS "_ZNK4absl7debian3"

namespace {

// The real function `mangled` of the next object after the executable (the Abseil library).
template <typename Fn>
Fn Real(const char* mangled) {
  void* fn = dlsym(RTLD_NEXT, mangled);
  if (fn == nullptr) {
    std::fprintf(stderr, "absl_tsan_shim: %s not found: %s\n", mangled, dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

// Resolved once, on first use (library constructors may lock a Mutex before main).
#define HSS_REAL(type, mangled) static const auto real = Real<type>(mangled)

// absl::Mutex is one word; mutex.cc's kMuWriter bit says it is held exclusively (else shared).
static_assert(sizeof(absl::Mutex) == sizeof(std::atomic<intptr_t>));
constexpr intptr_t kMuWriter = 0x0008;

unsigned HeldFlags(const absl::Mutex* mu) {
  const intptr_t word =
      reinterpret_cast<const std::atomic<intptr_t>*>(mu)->load(std::memory_order_relaxed);
  return (word & kMuWriter) != 0 ? 0 : __tsan_mutex_read_lock;
}

// A blocking acquisition of `mu` (Lock, ReaderLock, LockWhen...): the lock is held on return.
class AnnotatedLock {
 public:
  AnnotatedLock(absl::Mutex* mu, unsigned flags) : mu_(mu), flags_(flags) {
    __tsan_mutex_pre_lock(mu_, flags_);
  }
  ~AnnotatedLock() { __tsan_mutex_post_lock(mu_, flags_, 0); }

 private:
  absl::Mutex* mu_;
  unsigned flags_;
};

class AnnotatedUnlock {
 public:
  AnnotatedUnlock(absl::Mutex* mu, unsigned flags) : mu_(mu), flags_(flags) {
    __tsan_mutex_pre_unlock(mu_, flags_);
  }
  ~AnnotatedUnlock() { __tsan_mutex_post_unlock(mu_, flags_); }

 private:
  absl::Mutex* mu_;
  unsigned flags_;
};

// A wait that releases `mu` and holds it again on return (Await..., CondVar::Wait...).
class AnnotatedWait {
 public:
  explicit AnnotatedWait(absl::Mutex* mu) : mu_(mu), flags_(HeldFlags(mu)) {
    __tsan_mutex_pre_unlock(mu_, flags_);
  }
  ~AnnotatedWait() {
    __tsan_mutex_post_unlock(mu_, flags_);
    __tsan_mutex_pre_lock(mu_, flags_);
    __tsan_mutex_post_lock(mu_, flags_, 0);
  }

 private:
  absl::Mutex* mu_;
  unsigned flags_;
};

bool AnnotatedTryLock(absl::Mutex* mu, unsigned flags, bool (*real)(absl::Mutex*)) {
  __tsan_mutex_pre_lock(mu, flags | __tsan_mutex_try_lock);
  const bool locked = real(mu);
  __tsan_mutex_post_lock(
      mu, flags | __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  return locked;
}

// Notification and BlockingCounter start with a Mutex followed by an atomic (notified_yet_,
// count_); the atomic's address is their TSan sync object. For Notification it must be that
// address: HasBeenNotified() is inline, so our instrumented code does an acquire load on it.
template <typename T>
void* AtomicAfterMutex(const T* object) {
  static_assert(sizeof(T) >= 2 * sizeof(absl::Mutex));
  return const_cast<char*>(reinterpret_cast<const char*>(object) + sizeof(absl::Mutex));
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

using CondPtr = const Condition&;

// Not wrapped: LockWhenWithTimeout, ReaderLockWhenWithTimeout, AwaitWithTimeout and
// CondVar::WaitWithTimeout. In 20220623 they compute a deadline and call the *WithDeadline
// function through the PLT, i.e. the wrapper below; wrapping both would annotate twice.

Mutex::~Mutex() {
  HSS_REAL(void (*)(Mutex*), HSS_ABSL_NS "5MutexD1Ev");
  real(this);
  __tsan_mutex_destroy(this, __tsan_mutex_not_static);
}

void Mutex::Lock() {
  HSS_REAL(void (*)(Mutex*), HSS_ABSL_NS "5Mutex4LockEv");
  AnnotatedLock annotation(this, 0);
  real(this);
}

void Mutex::ReaderLock() {
  HSS_REAL(void (*)(Mutex*), HSS_ABSL_NS "5Mutex10ReaderLockEv");
  AnnotatedLock annotation(this, __tsan_mutex_read_lock);
  real(this);
}

bool Mutex::TryLock() {
  HSS_REAL(bool (*)(Mutex*), HSS_ABSL_NS "5Mutex7TryLockEv");
  return AnnotatedTryLock(this, 0, real);
}

bool Mutex::ReaderTryLock() {
  HSS_REAL(bool (*)(Mutex*), HSS_ABSL_NS "5Mutex13ReaderTryLockEv");
  return AnnotatedTryLock(this, __tsan_mutex_read_lock, real);
}

void Mutex::Unlock() {
  HSS_REAL(void (*)(Mutex*), HSS_ABSL_NS "5Mutex6UnlockEv");
  AnnotatedUnlock annotation(this, 0);
  real(this);
}

void Mutex::ReaderUnlock() {
  HSS_REAL(void (*)(Mutex*), HSS_ABSL_NS "5Mutex12ReaderUnlockEv");
  AnnotatedUnlock annotation(this, __tsan_mutex_read_lock);
  real(this);
}

void Mutex::LockWhen(CondPtr cond) {
  HSS_REAL(void (*)(Mutex*, CondPtr), HSS_ABSL_NS "5Mutex8LockWhenERKNS0_9ConditionE");
  AnnotatedLock annotation(this, 0);
  real(this, cond);
}

bool Mutex::LockWhenWithDeadline(CondPtr cond, Time deadline) {
  HSS_REAL(bool (*)(Mutex*, CondPtr, Time),
           HSS_ABSL_NS "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  AnnotatedLock annotation(this, 0);
  return real(this, cond, deadline);
}

void Mutex::ReaderLockWhen(CondPtr cond) {
  HSS_REAL(void (*)(Mutex*, CondPtr), HSS_ABSL_NS "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  AnnotatedLock annotation(this, __tsan_mutex_read_lock);
  real(this, cond);
}

bool Mutex::ReaderLockWhenWithDeadline(CondPtr cond, Time deadline) {
  HSS_REAL(bool (*)(Mutex*, CondPtr, Time),
           HSS_ABSL_NS "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  AnnotatedLock annotation(this, __tsan_mutex_read_lock);
  return real(this, cond, deadline);
}

void Mutex::Await(CondPtr cond) {
  HSS_REAL(void (*)(Mutex*, CondPtr), HSS_ABSL_NS "5Mutex5AwaitERKNS0_9ConditionE");
  AnnotatedWait annotation(this);
  real(this, cond);
}

bool Mutex::AwaitWithDeadline(CondPtr cond, Time deadline) {
  HSS_REAL(bool (*)(Mutex*, CondPtr, Time),
           HSS_ABSL_NS "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  AnnotatedWait annotation(this);
  return real(this, cond, deadline);
}

void CondVar::Wait(Mutex* mu) {
  HSS_REAL(void (*)(CondVar*, Mutex*), HSS_ABSL_NS "7CondVar4WaitEPNS0_5MutexE");
  AnnotatedWait annotation(mu);
  real(this, mu);
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  HSS_REAL(bool (*)(CondVar*, Mutex*, Time),
           HSS_ABSL_NS "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  AnnotatedWait annotation(mu);
  return real(this, mu, deadline);
}

// Notification and BlockingCounter skip their Mutex on fast paths (an atomic flag or count):
// release before the real notify/decrement, acquire after a successful wait.
void Notification::Notify() {
  HSS_REAL(void (*)(Notification*), HSS_ABSL_NS "12Notification6NotifyEv");
  __tsan_release(AtomicAfterMutex(this));
  real(this);
}

void Notification::WaitForNotification() const {
  HSS_REAL(void (*)(const Notification*),
           HSS_ABSL_CONST_NS "12Notification19WaitForNotificationEv");
  real(this);
  __tsan_acquire(AtomicAfterMutex(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  HSS_REAL(bool (*)(const Notification*, Duration),
           HSS_ABSL_CONST_NS "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(AtomicAfterMutex(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  HSS_REAL(bool (*)(const Notification*, Time),
           HSS_ABSL_CONST_NS "12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const bool notified = real(this, deadline);
  if (notified) __tsan_acquire(AtomicAfterMutex(this));
  return notified;
}

bool BlockingCounter::DecrementCount() {
  HSS_REAL(bool (*)(BlockingCounter*), HSS_ABSL_NS "15BlockingCounter14DecrementCountEv");
  __tsan_release(AtomicAfterMutex(this));
  return real(this);
}

void BlockingCounter::Wait() {
  HSS_REAL(void (*)(BlockingCounter*), HSS_ABSL_NS "15BlockingCounter4WaitEv");
  real(this);
  __tsan_acquire(AtomicAfterMutex(this));
}

ABSL_NAMESPACE_END
}  // namespace absl
