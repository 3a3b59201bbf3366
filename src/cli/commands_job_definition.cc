// `wfm job-definition list` (or `wfm jd list`): the job definitions the service runs tasks with,
// from GET /job-definitions (AWS Batch's DescribeJobDefinitions shape).
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/json_fields.h"
#include "cli/output.h"
#include "cli/table.h"

namespace wfm::cli {
namespace {

// `word` as a shell would read it back: unchanged when it holds only characters a shell leaves
// alone, else single-quoted.
std::string ShellWord(const std::string& word) {
  constexpr const char* kPlain =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%";
  if (!word.empty() && word.find_first_not_of(kPlain) == std::string::npos) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// A container's command as a shell line; "-" when it has none.
std::string CommandText(const Json& container) {
  const Json& command = MemberOf(container, "command");
  if (!command.is_array() || command.empty()) return "-";
  std::string text;
  for (const auto& word : command) {
    text += (text.empty() ? "" : " ") +
            ShellWord(word.is_string() ? word.get<std::string>() : word.dump());
  }
  return text;
}

std::string JobDefinitionList(const Json& definitions) {
  std::vector<TableRow> rows;
  for (const auto& definition : definitions) {
    const Json& container = MemberOf(definition, "containerProperties");
    auto revision = IntField(definition, "revision");
    std::string type = TextField(definition, "type");
    std::string image = TextField(container, "image");
    rows.push_back({TextField(definition, "jobDefinitionName"),
                    revision ? std::to_string(*revision) : "-", type.empty() ? "-" : type,
                    image.empty() ? "-" : image, CommandText(container)});
  }
  return RenderTable({"NAME", "REVISION", "TYPE", "IMAGE", "COMMAND"}, rows);
}

// The list under "jobDefinitions" of GET /job-definitions. Throws a ServiceError() saying that
// the service does not list job definitions when it answers 404 "no such path" (a service older
// than wfm), ServiceError() for another error answer, and CliError(kExitServiceError) when the
// answer has no such list.
Json ListJobDefinitions(const ServiceClient& client, const std::string& server) {
  ServiceReply reply = client.Send("GET", "/job-definitions");
  if (IsUnknownPath(reply)) {
    throw ServiceError(reply, "the service at " + server +
                                  " does not list job definitions yet: it has no GET "
                                  "/job-definitions");
  }
  if (reply.status < 200 || reply.status > 299) throw ServiceError(reply);
  Json body = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  const Json& definitions = MemberOf(body, "jobDefinitions");
  if (!definitions.is_array()) {
    throw CliError(kExitServiceError,
                   "GET /job-definitions did not answer a \"jobDefinitions\" list");
  }
  return definitions;
}

}  // namespace

void AddJobDefinitionCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group =
      app.add_subcommand("job-definition", "the job definitions a state's resource names");
  group->alias("jd");
  group->require_subcommand(1);
  auto output = std::make_shared<std::string>();
  CLI::App* list = group->add_subcommand("list", "list job definitions (name, revision, command)");
  AddOutputOption(list, output.get());
  list->callback([output, &context] {
    PrintValue(ListJobDefinitions(ServiceClient(context.address), context.address.server), *output,
               JobDefinitionList);
  });
}

}  // namespace wfm::cli
