// `wfm workflow ...`: create and update workflows from JSON or YAML files, read them back.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/input_files.h"
#include "cli/json_fields.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/time_text.h"

namespace wfm::cli {
namespace {

struct WorkflowOptions {
  std::string file;
  std::string name;
  std::optional<int> revision;
  std::string output;
};

std::string StateCount(const Json& workflow) {
  const Json& states = MemberOf(workflow, "states");
  return std::to_string(states.is_array() ? states.size() : 0);
}

std::string RevisionText(const Json& workflow) {
  auto revision = IntField(workflow, "revision");
  return revision ? std::to_string(*revision) : "-";
}

// One workflow: its fields, then its states.
std::string WorkflowDetail(const Json& workflow) {
  std::string out = RenderFields({
      {"Name", TextField(workflow, "name")},
      {"Revision", RevisionText(workflow)},
      {"Description", TextField(workflow, "description")},
      {"Start at", TextField(workflow, "startAt")},
      {"Created", ShortTime(TextField(workflow, "createdAt"))},
  });
  std::vector<TableRow> rows;
  for (const auto& state : MemberOf(workflow, "states")) {
    bool end = MemberOf(state, "end") == true;
    rows.push_back({TextField(state, "name"), TextField(state, "resource"),
                    end ? "(end)" : TextField(state, "next"), TextField(state, "comment")});
  }
  return out + "\n" + RenderTable({"STATE", "RESOURCE", "NEXT", "COMMENT"}, rows);
}

std::string WorkflowList(const Json& workflows) {
  std::vector<TableRow> rows;
  for (const auto& workflow : workflows) {
    rows.push_back({TextField(workflow, "name"), RevisionText(workflow), StateCount(workflow),
                    ShortTime(TextField(workflow, "createdAt")),
                    TextField(workflow, "description")});
  }
  return RenderTable({"NAME", "REVISION", "STATES", "CREATED", "DESCRIPTION"}, rows);
}

// The workflow document of -f FILE, which must name its workflow.
Json ReadWorkflowFile(const std::string& file) {
  Json workflow = ReadDocumentFile(file);
  if (!workflow.is_object()) throw UsageError(file + " does not hold a workflow (a JSON object)");
  if (TextField(workflow, "name").empty()) throw UsageError(file + " has no workflow 'name'");
  return workflow;
}

void AddFileOption(CLI::App* command, WorkflowOptions* options) {
  command->add_option("-f,--file", options->file, "the workflow, in JSON or YAML ('-': stdin)")
      ->required();
}

}  // namespace

void AddWorkflowCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = app.add_subcommand("workflow", "create, update and read workflows");
  group->require_subcommand(1);
  auto options = std::make_shared<WorkflowOptions>();
  auto client = [&context] { return ServiceClient(context.address); };

  CLI::App* create = group->add_subcommand("create", "create a workflow (revision 0) from a file");
  AddFileOption(create, options.get());
  AddOutputOption(create, &options->output);
  create->callback([options, client] {
    Json workflow = ReadWorkflowFile(options->file);
    PrintValue(client().Call("POST", "/workflows", &workflow), options->output, WorkflowDetail);
  });

  CLI::App* update = group->add_subcommand("update", "add a revision of a workflow from a file");
  AddFileOption(update, options.get());
  AddOutputOption(update, &options->output);
  update->callback([options, client] {
    Json workflow = ReadWorkflowFile(options->file);
    std::string path = "/workflows/" + UrlEncode(TextField(workflow, "name"));
    PrintValue(client().Call("PUT", path, &workflow), options->output, WorkflowDetail);
  });

  CLI::App* get = group->add_subcommand("get", "show a workflow (its latest revision)");
  get->add_option("NAME", options->name, "the workflow's name")->required();
  get->add_option("--revision", options->revision, "that revision instead of the latest")
      ->check(CLI::NonNegativeNumber);
  AddOutputOption(get, &options->output);
  get->callback([options, client] {
    std::string path = "/workflows/" + UrlEncode(options->name);
    if (options->revision) path += "/" + std::to_string(*options->revision);
    PrintValue(client().Call("GET", path), options->output, WorkflowDetail);
  });

  CLI::App* list = group->add_subcommand("list", "list workflows (the latest revision of each)");
  AddOutputOption(list, &options->output);
  list->callback([options, client] {
    PrintValue(client().Call("GET", "/workflows"), options->output, WorkflowList);
  });

  CLI::App* revisions =
      group->add_subcommand("revisions", "list a workflow's revisions, newest first");
  revisions->add_option("NAME", options->name, "the workflow's name")->required();
  AddOutputOption(revisions, &options->output);
  revisions->callback([options, client] {
    std::string path = "/workflows/" + UrlEncode(options->name) + "/revisions";
    PrintValue(client().Call("GET", path), options->output, WorkflowList);
  });
}

}  // namespace wfm::cli
