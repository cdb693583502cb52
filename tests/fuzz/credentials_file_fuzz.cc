// Fuzzes the credentials-file INI parser ParseCredentialsFile()
// (server/auth/credential_source.h).
//
// Input: the whole input is the file's contents.
// Invariants: no crash or sanitizer report; failures are INVALID_ARGUMENT and
// their message never holds the file's text beyond what the parser is allowed
// to show (no SK: when the file parses, the SK appears in no error of a
// variant with the section header removed); a parsed credential passes
// ValidateAkskCredential(); parsing is deterministic.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "server/auth/credential_source.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view contents(reinterpret_cast<const char*>(data), size);
  const absl::StatusOr<hss::gateway::AkskCredential> parsed =
      hss::gateway::ParseCredentialsFile(contents, "/fuzz/credentials");
  const absl::StatusOr<hss::gateway::AkskCredential> again =
      hss::gateway::ParseCredentialsFile(std::string(contents), "/fuzz/credentials");
  Check(parsed.ok() == again.ok());
  if (!parsed.ok()) {
    Check(parsed.status().code() == absl::StatusCode::kInvalidArgument);
    Check(parsed.status().message() == again.status().message());
    return 0;
  }
  Check(parsed->ak == again->ak && parsed->sk == again->sk);
  Check(hss::gateway::ValidateAkskCredential(*parsed, "fuzz").ok());
  // The SK must not leak into the message of a related broken file: the same
  // text with its `sk` line intact but the ak made invalid.
  const std::string broken = std::string(contents) + "\nak = \x01\n";
  const absl::StatusOr<hss::gateway::AkskCredential> bad =
      hss::gateway::ParseCredentialsFile(broken, "/fuzz/credentials");
  if (!bad.ok() && parsed->sk.size() >= 8) {
    Check(!absl::StrContains(bad.status().message(), parsed->sk));
  }
  return 0;
}
