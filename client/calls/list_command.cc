#include "client/calls/list_command.h"

#include <grpcpp/client_context.h>

#include <string>

#include "absl/status/statusor.h"
#include "client/exit_code.h"
#include "client/output/json_output.h"
#include "client/output/port_table.h"
#include "client/output/rpc_error_format.h"

namespace hss::client {

int RunList(hss::ports::v1::PortService::StubInterface& stub,
            const hss::ports::v1::ListPortsRequest& request, const CallSettings& settings,
            OutputFormat format, std::ostream& out, std::ostream& err, std::size_t table_width) {
  grpc::ClientContext context;
  AddAuthMetadata(settings, context);
  SetDeadline(settings.timeout, context);
  hss::ports::v1::ListPortsResponse response;
  const grpc::Status status = stub.ListPorts(&context, request, &response);
  if (!status.ok()) {
    err << FormatRpcError(status);
    return kExitRpcError;
  }

  if (format == OutputFormat::kTable) {
    out << FormatPortTable(response.data_list(), response.total_num(), request.offset(),
                           table_width);
  } else {
    absl::StatusOr<std::string> json = MessageToJson(response, JsonLayout::kMultiLine);
    if (!json.ok()) {
      err << "error: " << json.status().message() << "\n";
      return kExitRpcError;
    }
    out << *json;
  }
  if (!out.flush()) {
    err << "error: cannot write the output\n";
    return kExitRpcError;
  }
  return kExitOk;
}

}  // namespace hss::client
