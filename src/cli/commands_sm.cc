// `wfm sm ...`: Step Functions state machines, through the service's JSON 1.0 face.
#include <iostream>
#include <memory>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/input_files.h"
#include "cli/json_fields.h"
#include "cli/output.h"
#include "cli/sfn_calls.h"
#include "cli/table.h"
#include "cli/time_text.h"

namespace wfm::cli {
namespace {

// The role a state machine is created with when --role-arn is not given: the service does not
// assume roles, but Step Functions requires one.
constexpr const char* kDefaultRoleArn = "arn:aws:iam::123456789012:role/wfm";

struct StateMachineOptions {
  std::string machine;  // a name or an ARN
  std::string name;
  std::string definition_file;
  std::string role_arn;
  std::string output;
};

std::string EpochText(const Json& object, const char* key) {
  return ShortTimeMs(EpochSecondsToMs(MemberOf(object, key)));
}

std::string StateMachineList(const Json& machines) {
  std::vector<TableRow> rows;
  for (const auto& machine : machines) {
    rows.push_back({TextField(machine, "name"), TextField(machine, "type"),
                    EpochText(machine, "creationDate"), TextField(machine, "stateMachineArn")});
  }
  return RenderTable({"NAME", "TYPE", "CREATED", "ARN"}, rows);
}

std::string StateMachineDetail(const Json& machine) {
  std::string out = RenderFields({
      {"Name", TextField(machine, "name")},
      {"ARN", TextField(machine, "stateMachineArn")},
      {"Status", TextField(machine, "status")},
      {"Type", TextField(machine, "type")},
      {"Role", TextField(machine, "roleArn")},
      {"Created", EpochText(machine, "creationDate")},
  });
  Json definition = Json::parse(TextField(machine, "definition"), nullptr, false);
  if (!definition.is_discarded()) out += "\n" + definition.dump(2) + "\n";
  return out;
}

// The answer of a create or update: the ARN and the times it carries.
std::string ChangeSummary(const Json& answer) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (answer.contains("stateMachineArn")) {
    fields.emplace_back("ARN", TextField(answer, "stateMachineArn"));
  }
  if (answer.contains("creationDate"))
    fields.emplace_back("Created", EpochText(answer, "creationDate"));
  if (answer.contains("updateDate"))
    fields.emplace_back("Updated", EpochText(answer, "updateDate"));
  return RenderFields(fields);
}

// The definition of --definition-file as the JSON text Step Functions takes.
std::string DefinitionText(const std::string& file) {
  Json definition = ReadDocumentFile(file);
  if (!definition.is_object()) throw UsageError(file + " does not hold a state machine definition");
  return definition.dump();
}

void AddMachineArgument(CLI::App* command, StateMachineOptions* options) {
  command->add_option("SM", options->machine, "the state machine's name or ARN")->required();
}

}  // namespace

void AddStateMachineCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = app.add_subcommand("sm", "Step Functions state machines");
  group->require_subcommand(1);
  auto options = std::make_shared<StateMachineOptions>();
  auto client = [&context] { return ServiceClient(context.address); };

  CLI::App* create = group->add_subcommand("create", "create a state machine");
  create->add_option("--name", options->name, "its name")->required();
  create
      ->add_option("--definition-file", options->definition_file,
                   "its definition (Amazon States Language), JSON or YAML")
      ->required();
  create->add_option("--role-arn", options->role_arn, "its role (default: a placeholder)");
  AddOutputOption(create, &options->output);
  create->callback([options, client] {
    Json request = {{"name", options->name},
                    {"definition", DefinitionText(options->definition_file)},
                    {"roleArn", options->role_arn.empty() ? kDefaultRoleArn : options->role_arn}};
    PrintValue(client().CallStepFunctions("CreateStateMachine", request), options->output,
               ChangeSummary);
  });

  CLI::App* list = group->add_subcommand("list", "list state machines");
  AddOutputOption(list, &options->output);
  list->callback([options, client] {
    PrintValue(ListAllPages(client(), "ListStateMachines", Json::object(), "stateMachines"),
               options->output, StateMachineList);
  });

  CLI::App* get = group->add_subcommand("get", "show a state machine and its definition");
  AddMachineArgument(get, options.get());
  AddOutputOption(get, &options->output);
  get->callback([options, client] {
    ServiceClient service = client();
    Json request = {{"stateMachineArn", ResolveStateMachineArn(service, options->machine)}};
    PrintValue(service.CallStepFunctions("DescribeStateMachine", request), options->output,
               StateMachineDetail);
  });

  CLI::App* update = group->add_subcommand("update", "change a state machine's definition or role");
  AddMachineArgument(update, options.get());
  update->add_option("--definition-file", options->definition_file, "the new definition");
  update->add_option("--role-arn", options->role_arn, "the new role");
  AddOutputOption(update, &options->output);
  update->callback([options, client] {
    if (options->definition_file.empty() && options->role_arn.empty()) {
      throw UsageError("sm update needs --definition-file or --role-arn");
    }
    ServiceClient service = client();
    Json request = {{"stateMachineArn", ResolveStateMachineArn(service, options->machine)}};
    if (!options->definition_file.empty()) {
      request["definition"] = DefinitionText(options->definition_file);
    }
    if (!options->role_arn.empty()) request["roleArn"] = options->role_arn;
    PrintValue(service.CallStepFunctions("UpdateStateMachine", request), options->output,
               ChangeSummary);
  });

  CLI::App* remove = group->add_subcommand("delete", "delete a state machine");
  AddMachineArgument(remove, options.get());
  remove->callback([options, client] {
    ServiceClient service = client();
    std::string arn = ResolveStateMachineArn(service, options->machine);
    service.CallStepFunctions("DeleteStateMachine", {{"stateMachineArn", arn}});
    std::cout << "deleted " << arn << "\n";
  });
}

}  // namespace wfm::cli
