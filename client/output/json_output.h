#ifndef HSS_CLIENT_OUTPUT_JSON_OUTPUT_H_
#define HSS_CLIENT_OUTPUT_JSON_OUTPUT_H_

// Messages as JSON, for --output=json and --output=jsonl.

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace hss::client {

// How a message is laid out as JSON.
enum class JsonLayout {
  // Indented over several lines (--output=json).
  kMultiLine,
  // One line (--output=jsonl).
  kSingleLine,
};

// Converts `message` with protobuf's JSON printer: proto field names
// (`total_num`, not `totalNum`), enums by name, and fields at their default
// value included, so every object has the same keys. The result ends in '\n'.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message,
                                          JsonLayout layout);

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_JSON_OUTPUT_H_
