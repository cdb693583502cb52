#include "server/runtime/trace_context.h"

#include <cstdint>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hss::gateway {
namespace {

// The longest tracestate forwarded (the specification's limit for propagation).
constexpr size_t kMaxTracestateBytes = 512;

bool IsLowerHex(absl::string_view text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

bool AllZero(absl::string_view text) { return text.find_first_not_of('0') == text.npos; }

// `bytes` random bytes as lower-case hex, never all zero.
std::string RandomHexId(size_t bytes) {
  thread_local absl::BitGen gen;
  std::string id;
  do {
    id.clear();
    for (size_t i = 0; i < bytes; i += 8) {
      const uint64_t word = absl::Uniform<uint64_t>(gen);
      absl::StrAppend(&id, absl::Hex(word, absl::kZeroPad16));
    }
    id.resize(bytes * 2);
  } while (AllZero(id));
  return id;
}

struct Parent {
  std::string trace_id;
  std::string span_id;
  std::string flags;
};

// The parts of a valid traceparent, or false. Versions above 00 are read as
// 00 where their first four fields fit (the specification's forward rule).
bool ParseTraceparent(absl::string_view header, Parent& out) {
  header = absl::StripAsciiWhitespace(header);
  const std::vector<absl::string_view> parts = absl::StrSplit(header, '-');
  if (parts.size() < 4) return false;
  const absl::string_view version = parts[0];
  if (!IsLowerHex(version, 2) || version == "ff") return false;
  if (version == "00" && parts.size() != 4) return false;
  if (!IsLowerHex(parts[1], 32) || AllZero(parts[1])) return false;
  if (!IsLowerHex(parts[2], 16) || AllZero(parts[2])) return false;
  if (!IsLowerHex(parts[3], 2)) return false;
  out.trace_id = std::string(parts[1]);
  out.span_id = std::string(parts[2]);
  out.flags = std::string(parts[3]);
  return true;
}

bool IsForwardableTracestate(absl::string_view header) {
  if (header.empty() || header.size() > kMaxTracestateBytes) return false;
  for (char c : header) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::string TraceContext::Traceparent() const {
  return absl::StrCat("00-", trace_id, "-", span_id, "-", flags);
}

TraceContext JoinOrStartTrace(absl::string_view traceparent, absl::string_view tracestate) {
  TraceContext trace;
  trace.span_id = RandomHexId(8);
  Parent parent;
  if (ParseTraceparent(traceparent, parent)) {
    trace.trace_id = std::move(parent.trace_id);
    trace.parent_span_id = std::move(parent.span_id);
    trace.flags = std::move(parent.flags);
    if (IsForwardableTracestate(tracestate)) trace.tracestate = std::string(tracestate);
  } else {
    trace.trace_id = RandomHexId(16);
  }
  return trace;
}

}  // namespace hss::gateway
