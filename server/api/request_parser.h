#ifndef HSS_SERVER_API_REQUEST_PARSER_H_
#define HSS_SERVER_API_REQUEST_PARSER_H_

#include <grpcpp/support/byte_buffer.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace hss::gateway {

// Parses the bytes a client sent as a request message, with an error a person
// can act on. gRPC C++ answers an unparsable request by itself with
// UNIMPLEMENTED and no message (as if the method did not exist) and protobuf
// logs an unstructured line per bad request; the service's raw methods call
// this instead.
//
// The bytes are checked against `out`'s descriptor before they are parsed:
// a cut-short message, a malformed tag or varint, a field number 0, a known
// field sent with another wire type than its declared one, a string field
// that is not valid UTF-8, and messages nested deeper than 32 levels are
// refused with INVALID_ARGUMENT, ErrorInfo reason INVALID_REQUEST and a
// BadRequest violation naming the field (dotted path for nested messages)
// when there is one. Unknown fields are skipped, as protobuf does, so newer
// clients keep working. Nothing is logged.
absl::Status ParseRequest(absl::string_view bytes, google::protobuf::Message& out);

// The same for a gRPC byte buffer (copied into one string first; requests are
// small and bounded by the listener's max_receive_message_bytes).
absl::Status ParseRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message& out);

}  // namespace hss::gateway

#endif  // HSS_SERVER_API_REQUEST_PARSER_H_
