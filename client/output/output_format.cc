#include "client/output/output_format.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hss::client {

absl::StatusOr<OutputFormat> ParseOutputFormat(absl::string_view command, absl::string_view text) {
  if (text == "table") return OutputFormat::kTable;
  const bool stream = command == "stream" || command == "watch";
  if (!stream && text == "json") return OutputFormat::kJson;
  if (stream && text == "jsonl") return OutputFormat::kJsonLines;
  return absl::InvalidArgumentError(absl::StrCat("--output: unknown value \"", text, "\" for ",
                                                 command, " (want table or ",
                                                 stream ? "jsonl" : "json", ")"));
}

}  // namespace hss::client
