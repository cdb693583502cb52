#ifndef HSS_CLIENT_OUTPUT_OUTPUT_FORMAT_H_
#define HSS_CLIENT_OUTPUT_OUTPUT_FORMAT_H_

// The --output choices.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hss::client {

// How ports are written to stdout.
enum class OutputFormat {
  // Aligned columns and a footer line.
  kTable,
  // One JSON document (list).
  kJson,
  // One JSON object per port per line (stream).
  kJsonLines,
};

// Parses --output for `command`: list takes "table" or "json", stream takes
// "table" or "jsonl". Returns InvalidArgument otherwise.
absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view command, absl::string_view text);

}  // namespace hss::client

#endif  // HSS_CLIENT_OUTPUT_OUTPUT_FORMAT_H_
