#include "cli/commands.h"

namespace wfm::cli {
namespace {

constexpr const char* kFooter =
    R"(The service: --server URL (or WFM_SERVER, default http://localhost:8080);
--token TOKEN (or WFM_TOKEN) is sent as "Authorization: Bearer TOKEN". Both may be given
before or after the command.

Exit codes:
  0  success
  1  the service refused or failed the request
  2  usage error: bad flags or arguments, an unreadable or invalid input file
  3  cannot connect to the service
`job watch`, `exec watch` and --watch end with 0 when the job or execution succeeded,
1 when it failed (or timed out), 2 when it was cancelled (aborted).)";

}  // namespace

void BuildCommandTree(CLI::App& app, CommandContext& context) {
  app.name("wfm");
  app.description("wfm: the command-line client of workflow-manager");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // the global flags may follow the command
  app.add_option("--server", context.address.server, "the service's URL")
      ->envname("WFM_SERVER")
      ->capture_default_str();
  app.add_option("--token", context.address.token, "an API token of the service")
      ->envname("WFM_TOKEN");
  AddWorkflowCommands(app, context);
  AddJobCommands(app, context);
  AddJobDefinitionCommands(app, context);
  AddStateMachineCommands(app, context);
  AddExecutionCommands(app, context);
  AddCompletionCommand(app);
}

}  // namespace wfm::cli
