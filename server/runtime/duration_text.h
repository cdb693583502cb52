#ifndef HSS_SERVER_RUNTIME_DURATION_TEXT_H_
#define HSS_SERVER_RUNTIME_DURATION_TEXT_H_

#include <string>

#include "absl/time/time.h"

namespace hss::gateway {

// `d` as messages show a wait or a limit: rounded up (a caller told to wait
// must not retry too early) to the millisecond below one second and to a
// tenth of a second above, e.g. "250ms", "1.3s", "2m30s".
std::string ReadableDuration(absl::Duration d);

}  // namespace hss::gateway

#endif  // HSS_SERVER_RUNTIME_DURATION_TEXT_H_
