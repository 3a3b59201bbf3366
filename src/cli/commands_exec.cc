// `wfm exec ...`: Step Functions executions, through the service's JSON 1.0 face.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/exec_watch.h"
#include "cli/input_files.h"
#include "cli/json_fields.h"
#include "cli/output.h"
#include "cli/sfn_calls.h"
#include "cli/table.h"
#include "cli/time_text.h"

namespace wfm::cli {
namespace {

const std::vector<std::string> kExecutionStatuses = {"RUNNING",   "SUCCEEDED", "FAILED",
                                                     "TIMED_OUT", "ABORTED",   "PENDING_REDRIVE"};

struct ExecutionOptions {
  std::string machine;  // a name or an ARN
  std::string arn;
  std::string input;
  std::string input_file;
  std::string name;
  bool watch = false;
  std::string status;
  int limit = 100;
  std::string error;
  std::string cause;
  std::string output;
};

std::string EpochText(const Json& object, const char* key) {
  return ShortTimeMs(EpochSecondsToMs(MemberOf(object, key)));
}

std::string ExecutionList(const Json& executions) {
  std::vector<TableRow> rows;
  for (const auto& execution : executions) {
    rows.push_back({TextField(execution, "name"), TextField(execution, "status"),
                    EpochText(execution, "startDate"), EpochText(execution, "stopDate"),
                    TextField(execution, "executionArn")});
  }
  return RenderTable({"NAME", "STATUS", "STARTED", "STOPPED", "ARN"}, rows);
}

std::string ExecutionDetail(const Json& execution) {
  std::string error = TextField(execution, "error");
  std::string cause = TextField(execution, "cause");
  return RenderFields({
      {"Name", TextField(execution, "name")},
      {"ARN", TextField(execution, "executionArn")},
      {"State machine", TextField(execution, "stateMachineArn")},
      {"Status", TextField(execution, "status")},
      {"Error", error.empty() ? "" : error + (cause.empty() ? "" : ": " + cause)},
      {"Started", EpochText(execution, "startDate")},
      {"Stopped", EpochText(execution, "stopDate")},
      {"Input", TextField(execution, "input")},
      {"Output", TextField(execution, "output")},
  });
}

std::string HistoryTable(const Json& events) {
  std::vector<TableRow> rows;
  for (const auto& event : events) {
    std::string name, detail;
    for (const auto& [key, value] : event.items()) {
      if (!key.ends_with("EventDetails")) continue;
      name = TextField(value, "name");
      std::string error = TextField(value, "error");
      std::string cause = TextField(value, "cause");
      detail = error.empty() ? cause : cause.empty() ? error : error + ": " + cause;
    }
    auto id = IntField(event, "id");
    rows.push_back({id ? std::to_string(*id) : "-", TextField(event, "type"), name,
                    EpochText(event, "timestamp"), detail});
  }
  return RenderTable({"ID", "TYPE", "STATE", "TIME", "DETAIL"}, rows);
}

// The answers of start, stop and redrive: the ARN and the time they carry.
std::string ChangeSummary(const Json& answer) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (answer.contains("executionArn"))
    fields.emplace_back("ARN", TextField(answer, "executionArn"));
  const std::pair<const char*, const char*> kTimes[] = {
      {"startDate", "Started"}, {"stopDate", "Stopped"}, {"redriveDate", "Redriven"}};
  for (const auto& [key, label] : kTimes) {
    if (answer.contains(key)) fields.emplace_back(label, EpochText(answer, key));
  }
  return RenderFields(fields);
}

// The execution's input as the JSON text Step Functions takes ("{}" when none is given).
std::string InputText(const ExecutionOptions& options) {
  if (!options.input.empty()) return ParseJsonArgument("--input", options.input).dump();
  if (!options.input_file.empty()) return ReadDocumentFile(options.input_file).dump();
  return "{}";
}

void AddArnArgument(CLI::App* command, ExecutionOptions* options) {
  command->add_option("ARN", options->arn, "the execution's ARN")->required();
}

void AddStartCommand(CLI::App* group, std::shared_ptr<ExecutionOptions> options,
                     CommandContext& context) {
  CLI::App* start = group->add_subcommand("start", "start an execution of a state machine");
  start->add_option("SM", options->machine, "the state machine's name or ARN")->required();
  CLI::Option* input = start->add_option("--input", options->input, "the input, JSON");
  start->add_option("--input-file", options->input_file, "the input, a JSON or YAML file")
      ->excludes(input);
  start->add_option("--name", options->name, "the execution's name (default: a new UUID)");
  start->add_flag("--watch", options->watch, "then watch it (as `wfm exec watch`)");
  AddOutputOption(start, &options->output);
  start->callback([options, &context] {
    ServiceClient client(context.address);
    std::string input = InputText(*options);
    Json request = {{"stateMachineArn", ResolveStateMachineArn(client, options->machine)},
                    {"input", input}};
    if (!options->name.empty()) request["name"] = options->name;
    Json started = client.CallStepFunctions("StartExecution", request);
    if (options->watch) {
      context.exit_code = WatchExecution(client, TextField(started, "executionArn"));
    } else {
      PrintValue(started, options->output, ChangeSummary);
    }
  });
}

}  // namespace

void AddExecutionCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = app.add_subcommand("exec", "Step Functions executions");
  group->require_subcommand(1);
  auto options = std::make_shared<ExecutionOptions>();
  auto client = [&context] { return ServiceClient(context.address); };
  AddStartCommand(group, options, context);

  CLI::App* get = group->add_subcommand("get", "show an execution");
  AddArnArgument(get, options.get());
  AddOutputOption(get, &options->output);
  get->callback([options, client] {
    PrintValue(client().CallStepFunctions("DescribeExecution", {{"executionArn", options->arn}}),
               options->output, ExecutionDetail);
  });

  CLI::App* list = group->add_subcommand("list", "list a state machine's executions, newest first");
  list->add_option("SM", options->machine, "the state machine's name or ARN")->required();
  list->add_option("--status", options->status, "only executions with this status")
      ->transform(CLI::IsMember(kExecutionStatuses, CLI::ignore_case));
  list->add_option("--limit", options->limit, "at most this many (default 100)")
      ->check(CLI::PositiveNumber);
  AddOutputOption(list, &options->output);
  list->callback([options, client] {
    ServiceClient service = client();
    Json request = {{"stateMachineArn", ResolveStateMachineArn(service, options->machine)}};
    if (!options->status.empty()) request["statusFilter"] = options->status;
    PrintValue(ListAllPages(service, "ListExecutions", request, "executions",
                            static_cast<size_t>(options->limit)),
               options->output, ExecutionList);
  });

  CLI::App* watch = group->add_subcommand("watch", "follow an execution live until it ends");
  AddArnArgument(watch, options.get());
  watch->callback([options, &context] {
    context.exit_code = WatchExecution(ServiceClient(context.address), options->arn);
  });

  CLI::App* history = group->add_subcommand("history", "list an execution's history events");
  AddArnArgument(history, options.get());
  AddOutputOption(history, &options->output);
  history->callback([options, client] {
    PrintValue(ExecutionHistory(client(), options->arn), options->output, HistoryTable);
  });

  CLI::App* stop = group->add_subcommand("stop", "stop an execution (it ends ABORTED)");
  AddArnArgument(stop, options.get());
  stop->add_option("--error", options->error, "the error code it is stopped with");
  stop->add_option("--cause", options->cause, "why it is stopped");
  AddOutputOption(stop, &options->output);
  stop->callback([options, client] {
    Json request = {{"executionArn", options->arn}};
    if (!options->error.empty()) request["error"] = options->error;
    if (!options->cause.empty()) request["cause"] = options->cause;
    PrintValue(client().CallStepFunctions("StopExecution", request), options->output,
               ChangeSummary);
  });

  CLI::App* redrive =
      group->add_subcommand("redrive", "run a failed execution again from where it failed");
  AddArnArgument(redrive, options.get());
  AddOutputOption(redrive, &options->output);
  redrive->callback([options, client] {
    PrintValue(client().CallStepFunctions("RedriveExecution", {{"executionArn", options->arn}}),
               options->output, ChangeSummary);
  });
}

}  // namespace wfm::cli
