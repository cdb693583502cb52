// Fuzzes the gRPC edge's request parser (server/api/request_parser.h): the
// bytes a client sends as a ListPortsRequest, StreamPortsRequest or
// WatchPortsRequest (the first byte picks which).
//
// Invariants: no crash or sanitizer report; a refused input is
// INVALID_ARGUMENT with reason INVALID_REQUEST and one BadRequest violation;
// an accepted input is one protobuf parses too, to the same message, whose
// re-serialization the parser accepts again; every input protobuf refuses, the
// parser refuses.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"
#include "hss/ports/v1/ports.pb.h"
#include "server/api/request_parser.h"
#include "server/runtime/status_details.h"

namespace {

std::unique_ptr<google::protobuf::Message> NewRequest(uint8_t which) {
  switch (which % 3) {
    case 0:
      return std::make_unique<hss::ports::v1::ListPortsRequest>();
    case 1:
      return std::make_unique<hss::ports::v1::StreamPortsRequest>();
    default:
      return std::make_unique<hss::ports::v1::WatchPortsRequest>();
  }
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

// The reference parse below logs each invalid UTF-8 string; discard those lines.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto parsed = NewRequest(data[0]);
  const absl::Status status = hss::gateway::ParseRequest(bytes, *parsed);

  // protobuf's own parser.
  auto reference = NewRequest(data[0]);
  const bool protobuf_ok =
      reference->ParsePartialFromArray(bytes.data(), bytes.size()) && reference->IsInitialized();
  if (!status.ok()) {
    Check(status.code() == absl::StatusCode::kInvalidArgument);
    auto info = hss::gateway::GetErrorInfo(status);
    Check(info.has_value() && info->reason() == "INVALID_REQUEST");
    auto bad = hss::gateway::GetBadRequest(status);
    Check(bad.has_value() && bad->field_violations_size() == 1);
    return 0;
  }
  Check(protobuf_ok);
  Check(parsed->SerializeAsString() == reference->SerializeAsString());
  auto again = NewRequest(data[0]);
  Check(hss::gateway::ParseRequest(parsed->SerializeAsString(), *again).ok());
  Check(again->SerializeAsString() == parsed->SerializeAsString());
  return 0;
}
