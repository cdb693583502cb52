#ifndef HSS_SERVER_PROTECTION_SHARED_PAGE_CODEC_H_
#define HSS_SERVER_PROTECTION_SHARED_PAGE_CODEC_H_

// The bytes a page is stored as in Redis, where the replicas share pages
// (SharedPagesHssStub). Versioned, so that replicas of two releases never
// misread each other's entries: an entry they cannot read is a miss.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/rest/hss_stub.h"

namespace hss::gateway {

// `page` as stored in Redis: every field of PortsPage except `age`.
std::string EncodeSharedPage(const PortsPage& page);

// The page EncodeSharedPage() stored (its `age` zero); INVALID_ARGUMENT when
// `bytes` are not such a page (another version, or damaged).
absl::StatusOr<PortsPage> DecodeSharedPage(absl::string_view bytes);

}  // namespace hss::gateway

#endif  // HSS_SERVER_PROTECTION_SHARED_PAGE_CODEC_H_
