// The command tree of wfm. Each Add*Commands function adds one group of subcommands to the root
// app; their callbacks run once the whole command line has been parsed and checked, and throw
// CliError when they can't do what they were asked.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_error.h"
#include "cli/service_client.h"

namespace wfm::cli {

// What every command shares: the service's address (from the global flags, set before any
// callback runs) and the exit code of a command that ends otherwise than with success without
// failing (a watched job that failed or was cancelled).
struct CommandContext {
  ServiceAddress address;
  int exit_code = kExitOk;
};

// Builds the whole tree on `app`: the global flags (--server, --token), every command, and the
// help text's account of the exit codes. `context` must outlive the parse.
void BuildCommandTree(CLI::App& app, CommandContext& context);

// `wfm workflow create|update|get|list|revisions`
void AddWorkflowCommands(CLI::App& app, CommandContext& context);
// `wfm job start|get|list|cancel|logs|watch`
void AddJobCommands(CLI::App& app, CommandContext& context);
// `wfm job-definition list` (alias `wfm jd list`)
void AddJobDefinitionCommands(CLI::App& app, CommandContext& context);
// `wfm sm create|list|get|update|delete`
void AddStateMachineCommands(CLI::App& app, CommandContext& context);
// `wfm exec start|get|list|watch|history|stop|redrive`
void AddExecutionCommands(CLI::App& app, CommandContext& context);
// `wfm completion bash`; the script is made from `app` as it is when the command runs.
void AddCompletionCommand(CLI::App& app);

}  // namespace wfm::cli
