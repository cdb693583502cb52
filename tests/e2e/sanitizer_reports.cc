#include "tests/e2e/sanitizer_reports.h"

#include <algorithm>
#include <initializer_list>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hss::testing {
namespace {

enum class Owner { kNone, kGrpc, kOther };

bool StartsWithAny(absl::string_view s, std::initializer_list<absl::string_view> prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](absl::string_view p) { return absl::StartsWith(s, p); });
}

// Who made the access of one stack frame line ("    #3 FUNCTION LOCATION (MODULE+0xOFFSET)");
// kNone for frames that only carry out an access for their caller.
Owner FrameOwner(absl::string_view line) {
  line = absl::StripLeadingAsciiWhitespace(line);
  // Drop "#N ".
  if (size_t space = line.find(' '); space != absl::string_view::npos)
    line.remove_prefix(space + 1);
  absl::string_view module;
  if (absl::EndsWith(line, ")")) {
    if (size_t open = line.rfind(" ("); open != absl::string_view::npos) {
      module = line.substr(open + 2, line.size() - open - 3);
      line = line.substr(0, open);
    }
  }
  absl::string_view file;
  if (size_t space = line.rfind(' '); space != absl::string_view::npos) {
    file = line.substr(space + 1);
    line = line.substr(0, space);
  }
  const absl::string_view function = line;
  if (StartsWithAny(file, {"/usr/include/grpcpp/", "/usr/include/grpc/", "/usr/include/grpc++/"}) ||
      StartsWithAny(module, {"libgrpc", "libgpr.", "libupb."}) ||
      StartsWithAny(function, {"grpc::", "grpc_core::", "grpc_", "gpr_"})) {
    return Owner::kGrpc;
  }
  if (StartsWithAny(file, {"/usr/include/c++/", "/usr/include/absl/"}) ||
      absl::StrContains(file, "libsanitizer/") || absl::StrContains(file, "tools/tsan/") ||
      StartsWithAny(module, {"libtsan.", "libstdc++.", "libc.", "libabsl_"}) ||
      StartsWithAny(function, {"std::", "__gnu_cxx::", "absl::", "operator new", "operator delete",
                               "__tsan", "__interceptor"})) {
    return Owner::kNone;
  }
  return Owner::kOther;
}

// True for a ThreadSanitizer data race whose racing accesses are gRPC's alone.
bool OnlyGrpcRaces(absl::string_view report) {
  if (!absl::StrContains(report, "WARNING: ThreadSanitizer: data race")) return false;
  bool grpc = false;
  bool in_access = false;
  bool owner_found = false;
  for (absl::string_view line : absl::StrSplit(report, '\n')) {
    const absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(line);
    // "Read of size 8 at 0x... by thread T9:", "Previous atomic write of size 1 at ...".
    if (absl::StrContains(trimmed, " of size ") && absl::StrContains(trimmed, " at 0x") &&
        !absl::StartsWith(trimmed, "#")) {
      in_access = true;
      owner_found = false;
      continue;
    }
    if (!in_access) continue;
    if (!absl::StartsWith(trimmed, "#")) {
      if (trimmed.empty()) in_access = false;
      continue;
    }
    if (owner_found) continue;
    switch (FrameOwner(trimmed)) {
      case Owner::kOther:
        return false;
      case Owner::kGrpc:
        grpc = true;
        owner_found = true;
        break;
      case Owner::kNone:
        break;
    }
  }
  return grpc;
}

}  // namespace

std::vector<std::string> SanitizerReportsToFailOn(absl::string_view log) {
  std::vector<std::string> reports;
  std::vector<absl::string_view> lines = absl::StrSplit(log, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::string_view line = lines[i];
    const bool tsan = absl::StrContains(line, "WARNING: ThreadSanitizer:");
    if (!tsan && !absl::StrContains(line, "ERROR: AddressSanitizer") &&
        !absl::StrContains(line, "ERROR: LeakSanitizer") &&
        !absl::StrContains(line, "runtime error:")) {
      continue;
    }
    // A report runs to its SUMMARY line (TSan adds a "=====" line after it).
    size_t end = i;
    while (end + 1 < lines.size() && !absl::StartsWith(lines[end], "SUMMARY:")) ++end;
    if (end + 1 < lines.size() && absl::StartsWith(lines[end + 1], "=====")) ++end;
    std::string report;
    for (size_t j = i; j <= end; ++j) absl::StrAppend(&report, lines[j], "\n");
    i = end;
    if (tsan && OnlyGrpcRaces(report)) continue;
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace hss::testing
