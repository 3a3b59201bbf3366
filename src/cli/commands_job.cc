// `wfm job ...`: start, read, list, cancel and watch jobs, read their tasks' logs.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/input_files.h"
#include "cli/job_listing.h"
#include "cli/job_logs.h"
#include "cli/job_watch.h"
#include "cli/json_fields.h"
#include "cli/output.h"
#include "cli/table.h"
#include "cli/time_text.h"
#include "cli/watch_view.h"

namespace wfm::cli {
namespace {

const std::vector<std::string> kJobStatuses = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED",
                                               "CANCELLED"};

struct JobOptions {
  std::string id;
  std::string workflow;
  std::optional<int> revision;
  std::string data;
  std::string data_file;
  bool watch = false;
  std::string status;
  std::string since;
  std::string until;
  int limit = 100;
  std::string reason;
  std::string state;
  bool follow = false;
  std::string output;
};

std::string JobDetail(const Json& job) { return RenderJobScreen(job, SystemClock().Now(), false); }

std::string JobList(const Json& jobs) {
  std::vector<TableRow> rows;
  TimestampMs now = SystemClock().Now();
  for (const auto& job : jobs) {
    const Json& workflow = MemberOf(job, "workflow");
    auto revision = IntField(workflow, "revision");
    auto started = ParseRfc3339(TextField(job, "startedAt"));
    auto stopped = ParseRfc3339(TextField(job, "stoppedAt"));
    rows.push_back({TextField(job, "id"),
                    TextField(workflow, "name") + (revision ? ":" + std::to_string(*revision) : ""),
                    TextField(job, "status"), ShortTime(TextField(job, "createdAt")),
                    started ? FormatDuration((stopped ? *stopped : now) - *started) : "-"});
  }
  return RenderTable({"ID", "WORKFLOW", "STATUS", "CREATED", "DURATION"}, rows);
}

// The body of POST /jobs for `job start`.
Json StartRequest(const JobOptions& options) {
  Json workflow = {{"name", options.workflow}};
  if (options.revision) workflow["revision"] = *options.revision;
  Json request = {{"workflow", workflow}};
  if (!options.data.empty()) request["data"] = ParseJsonArgument("--data", options.data);
  if (!options.data_file.empty()) request["data"] = ReadDocumentFile(options.data_file);
  return request;
}

std::optional<TimestampMs> TimeArgument(const char* flag, const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto time = ParseTimeArgument(text, SystemClock().Now());
  if (!time) {
    throw UsageError(std::string(flag) + " '" + text +
                     "' is neither an RFC 3339 UTC time (2026-11-28T10:00:00Z) nor a duration "
                     "ago (90s, 15m, 2h, 7d)");
  }
  return time;
}

JobFilter FilterOf(const JobOptions& options) {
  return JobFilter{options.workflow, options.status, TimeArgument("--since", options.since),
                   TimeArgument("--until", options.until), options.limit};
}

void AddIdArgument(CLI::App* command, JobOptions* options) {
  command->add_option("ID", options->id, "the job's id")->required();
}

void AddStartCommand(CLI::App* group, std::shared_ptr<JobOptions> options,
                     CommandContext& context) {
  CLI::App* start = group->add_subcommand("start", "start a job of a workflow");
  start->add_option("WORKFLOW", options->workflow, "the workflow's name")->required();
  start->add_option("--revision", options->revision, "the workflow's revision (default: latest)")
      ->check(CLI::NonNegativeNumber);
  CLI::Option* data = start->add_option("--data", options->data, "the job's data, JSON");
  start->add_option("--data-file", options->data_file, "the job's data, a JSON or YAML file")
      ->excludes(data);
  start->add_flag("--watch", options->watch, "then watch it (as `wfm job watch`)");
  AddOutputOption(start, &options->output);
  start->callback([options, &context] {
    ServiceClient client(context.address);
    Json request = StartRequest(*options);
    Json job = client.Call("POST", "/jobs", &request);
    if (options->watch) {
      context.exit_code = WatchJob(client, TextField(job, "id"));
    } else {
      PrintValue(job, options->output, JobDetail);
    }
  });
}

void AddListCommand(CLI::App* group, std::shared_ptr<JobOptions> options, CommandContext& context) {
  CLI::App* list = group->add_subcommand("list", "list jobs, newest first");
  list->add_option("--workflow", options->workflow, "only this workflow's jobs");
  list->add_option("--status", options->status, "only jobs with this status")
      ->transform(CLI::IsMember(kJobStatuses, CLI::ignore_case));
  list->add_option("--since", options->since,
                   "only jobs created at or after: an RFC 3339 UTC time or a duration ago (2h)");
  list->add_option("--until", options->until, "only jobs created before (same forms)");
  list->add_option("--limit", options->limit, "at most this many jobs (default 100)")
      ->check(CLI::PositiveNumber);
  AddOutputOption(list, &options->output);
  list->callback([options, &context] {
    PrintValue(ListJobs(ServiceClient(context.address), FilterOf(*options)), options->output,
               JobList);
  });
}

}  // namespace

void AddJobCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = app.add_subcommand("job", "start, list, watch and cancel jobs; read logs");
  group->require_subcommand(1);
  auto options = std::make_shared<JobOptions>();
  AddStartCommand(group, options, context);

  CLI::App* get = group->add_subcommand("get", "show a job and its tasks");
  AddIdArgument(get, options.get());
  AddOutputOption(get, &options->output);
  get->callback([options, &context] {
    Json job = ServiceClient(context.address).Call("GET", "/jobs/" + UrlEncode(options->id));
    PrintValue(job, options->output, JobDetail);
  });

  AddListCommand(group, options, context);

  CLI::App* cancel = group->add_subcommand("cancel", "cancel a job, with a reason");
  AddIdArgument(cancel, options.get());
  cancel->add_option("--reason", options->reason, "why (kept in the tasks' statusReason)")
      ->required();
  AddOutputOption(cancel, &options->output);
  cancel->callback([options, &context] {
    Json body = {{"reason", options->reason}};
    Json job =
        ServiceClient(context.address).Call("DELETE", "/jobs/" + UrlEncode(options->id), &body);
    PrintValue(job, options->output, JobDetail);
  });

  CLI::App* logs = group->add_subcommand("logs", "print what a job's tasks wrote");
  AddIdArgument(logs, options.get());
  logs->add_option("STATE", options->state, "only this state's task (default: every task)");
  logs->add_flag("-f,--follow", options->follow, "keep printing new output until the task ends");
  logs->callback([options, &context] {
    PrintJobLogs(ServiceClient(context.address), options->id, options->state, options->follow);
  });

  CLI::App* watch = group->add_subcommand("watch", "follow a job live until it ends");
  AddIdArgument(watch, options.get());
  watch->callback([options, &context] {
    context.exit_code = WatchJob(ServiceClient(context.address), options->id);
  });
}

}  // namespace wfm::cli
