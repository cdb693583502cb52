#include "tests/e2e/sanitizer_reports.h"

#include <gtest/gtest.h>

#include <string>

namespace hss::testing {
namespace {

// A race seen in hss-gateway under TSan: gRPC destroys its writer object in CallOnDone while
// (as far as TSan can tell) a gRPC thread still reads the callback tag inside it.
constexpr char kGrpcOnlyRace[] = R"(==================
WARNING: ThreadSanitizer: data race (pid=28587)
  Write of size 8 at 0x7b6c00010028 by thread T3:
    #0 grpc::internal::CallbackServerStreamingHandler<A, B>::ServerCallbackWriterImpl::~ServerCallbackWriterImpl() <null> (hss-gateway+0x919e5)
    #1 grpc::internal::CallbackServerStreamingHandler<A, B>::ServerCallbackWriterImpl::CallOnDone() /usr/include/grpcpp/impl/codegen/server_callback_handlers.h:634 (hss-gateway+0x8e2c1)
    #2 <null> <null> (libgrpc++.so.1.51+0xa21ed)

  Previous read of size 8 at 0x7b6c00010028 by thread T10:
    #0 std::_Function_base::_M_empty() const /usr/include/c++/12/bits/std_function.h:247 (hss-gateway+0x81238)
    #1 std::function<void (bool)>::operator()(bool) const /usr/include/c++/12/bits/std_function.h:589 (hss-gateway+0x81238)
    #2 void grpc::internal::CatchingCallback<std::function<void (bool)>&, bool&>(std::function<void (bool)>&, bool&) /usr/include/grpcpp/support/callback_common.h:42 (hss-gateway+0x81238)
    #3 grpc::internal::CallbackWithSuccessTag::Run(bool) /usr/include/grpcpp/support/callback_common.h:212 (hss-gateway+0x81238)
    #4 <null> <null> (libgrpc++.so.1.51+0x897ba)

  Location is heap block of size 1703 at 0x7b6c0000fc00 allocated by thread T10:
    #0 malloc ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:647 (libtsan.so.2+0x3ebb8)
    #1 gpr_malloc <null> (libgpr.so.29+0x6bbd)

  Thread T3 (tid=28615, running) created by main thread at:
    #0 pthread_create ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:1001 (libtsan.so.2+0x5e686)
    #1 grpc_core::Thread::Thread(char const*, void (*)(void*), void*, bool*, grpc_core::Thread::Options const&) <null> (libgpr.so.29+0xb0cb)

SUMMARY: ThreadSanitizer: data race (hss-gateway+0x919e5) in grpc::internal::CallbackServerStreamingHandler<A, B>::ServerCallbackWriterImpl::~ServerCallbackWriterImpl()
==================
)";

// The same shape, but the earlier access is our code writing through std::string.
constexpr char kOurRace[] = R"(==================
WARNING: ThreadSanitizer: data race (pid=100)
  Read of size 8 at 0x7b0800027320 by thread T3:
    #0 memcpy ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:827 (libtsan.so.2+0x5dda6)
    #1 absl::debian3::StrAppend(std::string*, absl::debian3::AlphaNum const&) <null> (libabsl_strings.so.20220623+0x1185b)
    #2 <null> <null> (libgrpc++.so.1.51+0xa21ed)

  Previous write of size 8 at 0x7b0800027320 by thread T9 (mutexes: write M1):
    #0 operator new(unsigned long) ../../../../src/libsanitizer/tsan/tsan_new_delete.cpp:64 (libtsan.so.2+0x87323)
    #1 std::__cxx11::basic_string<char>::_M_create(unsigned long&, unsigned long) /usr/include/c++/12/bits/basic_string.tcc:155 (hss-gateway+0x114652)
    #2 FinishLocked ../../server/port_service.cc:264 (hss-gateway+0x79599)
    #3 grpc::internal::CallbackWithSuccessTag::Run(bool) /usr/include/grpcpp/support/callback_common.h:212 (hss-gateway+0x7fb40)

SUMMARY: ThreadSanitizer: data race in FinishLocked
==================
)";

// gRPC's access on one side; TSan could not restore the other stack.
constexpr char kGrpcAndUnknown[] = R"(WARNING: ThreadSanitizer: data race (pid=17327)
  Read of size 8 at 0x7b9c004047a8 by thread T9:
    #0 std::_Function_base::_M_empty() const /usr/include/c++/12/bits/std_function.h:247 (hss-gateway+0x7fb22)
    #1 grpc::internal::CallbackWithSuccessTag::Run(bool) /usr/include/grpcpp/support/callback_common.h:212 (hss-gateway+0x7fb22)

  Previous write of size 8 at 0x7b9c004047a8 by thread T1:
    [failed to restore the stack]

SUMMARY: ThreadSanitizer: data race /usr/include/c++/12/bits/std_function.h:247 in std::_Function_base::_M_empty() const
==================
)";

TEST(SanitizerReports, CleanLogHasNone) {
  EXPECT_TRUE(SanitizerReportsToFailOn("listening on 127.0.0.1:1\nshutting down\n").empty());
}

TEST(SanitizerReports, DropsRacesWhereGrpcIsTheOnlyParty) {
  EXPECT_TRUE(SanitizerReportsToFailOn(kGrpcOnlyRace).empty());
  EXPECT_TRUE(SanitizerReportsToFailOn(kGrpcAndUnknown).empty());
}

TEST(SanitizerReports, KeepsRacesWithOurCodeAsAParty) {
  auto reports = SanitizerReportsToFailOn(std::string("log line\n") + kGrpcOnlyRace + kOurRace);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].find("FinishLocked"), std::string::npos);
  EXPECT_NE(reports[0].find("SUMMARY"), std::string::npos);
}

TEST(SanitizerReports, KeepsRacesWhereNoStackCouldBeRestored) {
  constexpr char kUnknown[] = R"(WARNING: ThreadSanitizer: data race (pid=1)
  Write of size 8 at 0x7b9c004047a8 by thread T9:
    [failed to restore the stack]

  Previous write of size 8 at 0x7b9c004047a8 by thread T1:
    [failed to restore the stack]

SUMMARY: ThreadSanitizer: data race
)";
  EXPECT_EQ(SanitizerReportsToFailOn(kUnknown).size(), 1u);
}

TEST(SanitizerReports, KeepsOtherThreadSanitizerReportsEvenInsideGrpc) {
  constexpr char kUseAfterFree[] = R"(WARNING: ThreadSanitizer: heap-use-after-free (pid=1)
  Read of size 8 at 0x7b9c004047a8 by thread T9:
    #0 grpc::internal::CallbackWithSuccessTag::Run(bool) /usr/include/grpcpp/support/callback_common.h:212 (hss-gateway+0x7fb22)

SUMMARY: ThreadSanitizer: heap-use-after-free
)";
  EXPECT_EQ(SanitizerReportsToFailOn(kUseAfterFree).size(), 1u);
}

TEST(SanitizerReports, KeepsAddressAndUndefinedBehaviorReports) {
  auto reports = SanitizerReportsToFailOn(
      "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020\n"
      "    #0 0x55 in hss::gateway::PageWalk::Next() ../../server/page_walk.cc:10\n"
      "SUMMARY: AddressSanitizer: heap-use-after-free ../../server/page_walk.cc:10\n"
      "../../server/token_bucket.cc:42:7: runtime error: signed integer overflow\n"
      "SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior ../../server/token_bucket.cc:42:7\n"
      "==2==ERROR: LeakSanitizer: detected memory leaks\n"
      "SUMMARY: AddressSanitizer: 24 byte(s) leaked in 1 allocation(s).\n");
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_NE(reports[0].find("PageWalk::Next"), std::string::npos);
  EXPECT_NE(reports[1].find("signed integer overflow"), std::string::npos);
  EXPECT_NE(reports[2].find("leaked"), std::string::npos);
}

}  // namespace
}  // namespace hss::testing
