#ifndef HSS_TESTS_E2E_SANITIZER_REPORTS_H_
#define HSS_TESTS_E2E_SANITIZER_REPORTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace hss::testing {

// The sanitizer reports (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer,
// ThreadSanitizer) in `log`, a program's stderr, that should fail a test: all of them except
// ThreadSanitizer data races in which gRPC is the only party.
//
// Debian's libgrpc and libgrpc++ are not built with TSan, so the order they create when they
// hand a call's objects to another thread (completion queues, the executor that runs OnDone,
// arenas) is invisible to it. gRPC's C++ API is header code compiled into our binaries, so TSan
// sees gRPC's objects touched by two threads in no order. Such a report is recognised by its
// racing accesses: the innermost frame of each access that is not the standard library,
// Abseil, the sanitizer runtime or tools/tsan belongs to gRPC (namespace grpc, gRPC's headers
// or libraries). It is dropped when at least one access is gRPC's and none is anyone else's
// (an access whose stack TSan could not restore is no one's). A race on our data has our code
// (or generated protobuf code) as an owner and is kept.
std::vector<std::string> SanitizerReportsToFailOn(absl::string_view log);

}  // namespace hss::testing

#endif  // HSS_TESTS_E2E_SANITIZER_REPORTS_H_
