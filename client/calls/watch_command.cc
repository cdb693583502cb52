#include "client/calls/watch_command.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "client/exit_code.h"
#include "client/output/json_output.h"
#include "client/output/port_table.h"
#include "client/output/rpc_error_format.h"

namespace hss::client {
namespace {

using ::hss::ports::v1::PortChange;
using ::hss::ports::v1::WatchPortsResponse;

// The table's KIND column: one word, padded to the widest.
std::string KindCell(PortChange::Kind kind) {
  switch (kind) {
    case PortChange::KIND_ADDED:
      return "ADDED    ";
    case PortChange::KIND_MODIFIED:
      return "MODIFIED ";
    case PortChange::KIND_REMOVED:
      return "REMOVED  ";
    default:
      return "UNKNOWN  ";
  }
}

// Writes one message; false if it cannot be converted.
bool WriteMessage(const WatchPortsResponse& message, OutputFormat format, PortTable& table,
                  bool& header_written, std::ostream& out, std::ostream& err) {
  if (format == OutputFormat::kJsonLines) {
    absl::StatusOr<std::string> json = MessageToJson(message, JsonLayout::kSingleLine);
    if (!json.ok()) {
      err << "error: " << json.status().message() << "\n";
      return false;
    }
    out << *json;
    out.flush();
    return true;
  }
  google::protobuf::RepeatedPtrField<hss::ports::v1::Port> ports;
  for (const PortChange& change : message.changes()) *ports.Add() = change.port();
  table.Fit(ports);
  if (!header_written) {
    out << "KIND     " << table.Header();
    header_written = true;
  }
  if (message.reset()) out << "-- reset: discard the ports held\n";
  for (int i = 0; i < message.changes_size(); ++i) {
    google::protobuf::RepeatedPtrField<hss::ports::v1::Port> one;
    *one.Add() = message.changes(i).port();
    out << KindCell(message.changes(i).kind()) << table.Rows(one);
  }
  if (message.synced()) {
    out << "-- synced: " << message.total_num() << " ports, polled every "
        << message.interval_seconds() << " s\n";
  }
  out.flush();
  return true;
}

}  // namespace

int RunWatch(hss::ports::v1::PortService::StubInterface& stub,
             const hss::ports::v1::WatchPortsRequest& request, const CallSettings& settings,
             OutputFormat format, absl::Duration duration, std::size_t table_width,
             std::ostream& out, std::ostream& err) {
  grpc::ClientContext context;
  AddAuthMetadata(settings, context);
  const bool bounded = duration != absl::InfiniteDuration();
  if (bounded) context.set_deadline(absl::ToChronoTime(absl::Now() + duration));
  PortTable table(table_width);
  bool header_written = false;
  bool output_failed = false;

  std::unique_ptr<grpc::ClientReaderInterface<WatchPortsResponse>> reader =
      stub.WatchPorts(&context, request);
  WatchPortsResponse message;
  while (reader->Read(&message)) {
    if (!WriteMessage(message, format, table, header_written, out, err) || !out) {
      output_failed = true;
      context.TryCancel();
      break;
    }
  }
  if (output_failed) {
    while (reader->Read(&message)) {
    }
  }
  const grpc::Status status = reader->Finish();
  if (output_failed) {
    err << "error: cannot write the output\n";
    return kExitRpcError;
  }
  // --duration ran out: the watch did what was asked.
  if (bounded && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) return kExitOk;
  if (!status.ok()) {
    err << FormatRpcError(status);
    return kExitRpcError;
  }
  return kExitOk;
}

}  // namespace hss::client
