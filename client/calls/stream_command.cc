#include "client/calls/stream_command.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "client/calls/idle_watchdog.h"
#include "client/exit_code.h"
#include "client/output/error_details.h"
#include "client/output/json_output.h"
#include "client/output/port_table.h"
#include "client/output/progress_bar.h"
#include "client/output/rpc_error_format.h"

namespace hss::client {
namespace {

using ::hss::ports::v1::StreamPortsResponse;

// Writes one page to `out`; false if it cannot be converted.
bool WritePage(const StreamPortsResponse& page, OutputFormat format, PortTable& table,
               bool first_page, std::ostream& out, std::ostream& err) {
  if (format == OutputFormat::kTable) {
    table.Fit(page.ports());
    if (first_page) out << table.Header();
    out << table.Rows(page.ports());
  } else {
    for (const auto& port : page.ports()) {
      absl::StatusOr<std::string> json = MessageToJson(port, JsonLayout::kSingleLine);
      if (!json.ok()) {
        err << "error: " << json.status().message() << "\n";
        return false;
      }
      out << *json;
    }
  }
  out.flush();
  return true;
}

void PrintResumeHint(const grpc::Status& status, std::optional<std::int32_t> local_offset,
                     const StreamUi& ui, std::ostream& err) {
  std::optional<std::int32_t> offset = ResumeOffset(DecodeErrorDetails(status));
  const bool from_server = offset.has_value();
  if (!from_server) offset = local_offset;
  if (!offset.has_value() || !ui.resume_command) return;
  err << "resume with:\n  " << ui.resume_command(*offset) << "\n";
  if (!from_server) {
    err << "  (the gateway sent no resumeOffset; this one follows the last page received)\n";
  }
  if (ui.token_flag_omitted) {
    err << "  (--token is left out: set HSS_AUTH_TOKEN or add --token_file)\n";
  }
}

}  // namespace

int RunStream(hss::ports::v1::PortService::StubInterface& stub,
              const hss::ports::v1::StreamPortsRequest& request, const CallSettings& settings,
              OutputFormat format, const StreamUi& ui, std::ostream& out, std::ostream& err) {
  grpc::ClientContext context;
  AddAuthMetadata(settings, context);
  const absl::Time start = absl::Now();
  ProgressBar progress_bar(err, ui.progress, ui.columns);
  PortTable table(ui.table_width);
  StreamProgress progress;
  std::optional<std::int32_t> next_offset;  // After the last page received.
  bool output_failed = false;

  std::unique_ptr<grpc::ClientReaderInterface<StreamPortsResponse>> reader =
      stub.StreamPorts(&context, request);
  IdleWatchdog watchdog(settings.timeout, [&context] { context.TryCancel(); });
  StreamPortsResponse page;
  while (reader->Read(&page)) {
    watchdog.Kick();
    progress_bar.Clear();
    if (!WritePage(page, format, table, progress.pages == 0, out, err) || !out) {
      output_failed = true;
      context.TryCancel();
      break;
    }
    ++progress.pages;
    progress.ports += page.ports_size();
    progress.total = page.total_num();
    progress.elapsed = absl::Now() - start;
    next_offset = page.offset() + page.ports_size();
    progress_bar.Update(progress);
  }
  if (output_failed) {
    while (reader->Read(&page)) {
    }
  }
  grpc::Status status = reader->Finish();
  watchdog.Stop();
  progress_bar.Clear();

  if (output_failed) {
    err << "error: cannot write the output\n";
    return kExitRpcError;
  }
  if (watchdog.fired() && status.error_code() == grpc::StatusCode::CANCELLED) {
    status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          absl::StrCat("no page arrived within ",
                                       absl::FormatDuration(settings.timeout), " (--timeout)"));
  }
  if (!status.ok()) {
    err << FormatRpcError(status);
    PrintResumeHint(status, next_offset, ui, err);
    return kExitRpcError;
  }

  if (format == OutputFormat::kTable) {
    if (progress.pages == 0) out << table.Header();
    out << PortTableFooter(progress.ports, progress.total, request.start_offset());
  }
  if (!out.flush()) {
    err << "error: cannot write the output\n";
    return kExitRpcError;
  }
  return kExitOk;
}

}  // namespace hss::client
