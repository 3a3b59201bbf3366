// `wfm job-definition list` (and `wfm jd list`), run through the real command tree against a
// scripted service on loopback.
#include <gtest/gtest.h>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "scripted_service.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

// Runs `wfm --server SERVICE args...`: what it printed on stdout, or "error N: message" when it
// threw CliError N.
std::string RunWfm(const ScriptedService& service, std::vector<std::string> args) {
  CLI::App app;
  CommandContext context;
  BuildCommandTree(app, context);
  args.insert(args.begin(), {"wfm", "--server", service.address().server});
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  ::testing::internal::CaptureStdout();
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CliError& e) {
    ::testing::internal::GetCapturedStdout();
    return "error " + std::to_string(e.exit_code()) + ": " + e.what();
  }
  return ::testing::internal::GetCapturedStdout();
}

const Json kDefinitions = {
    {"jobDefinitions",
     {{{"jobDefinitionName", "echo"},
       {"revision", 1},
       {"type", "container"},
       {"containerProperties",
        {{"image", "debian:bookworm-slim"}, {"command", {"printenv", "_BATCH_START"}}}}},
      {{"jobDefinitionName", "gate"},
       {"revision", 2},
       {"type", "container"},
       {"containerProperties", {{"command", {"sh", "-c", "echo it's $X"}}}}}}}};

TEST(JobDefinitionList, ShowsNameRevisionTypeImageAndTheCommandAsAShellLine) {
  ScriptedService service({{"/job-definitions", JsonAnswer(200, kDefinitions)}});
  EXPECT_EQ(RunWfm(service, {"job-definition", "list"}),
            "NAME  REVISION  TYPE       IMAGE                 COMMAND\n"
            "echo  1         container  debian:bookworm-slim  printenv _BATCH_START\n"
            "gate  2         container  -                     sh -c 'echo it'\\''s $X'\n");
  EXPECT_EQ(RunWfm(service, {"jd", "list"}),
            RunWfm(service, {"job-definition", "list"}));  // the alias
}

TEST(JobDefinitionList, PrintsTheServicesListInJson) {
  ScriptedService service({{"/job-definitions", JsonAnswer(200, kDefinitions)}});
  EXPECT_EQ(Json::parse(RunWfm(service, {"jd", "list", "-o", "json"})),
            kDefinitions["jobDefinitions"]);
}

TEST(JobDefinitionList, SaysSoWhenTheServiceDoesNotListThem) {
  ScriptedService service({});  // every path is "no such path"
  EXPECT_EQ(RunWfm(service, {"jd", "list"}),
            "error 1: the service at " + service.address().server +
                " does not list job definitions yet: it has no GET /job-definitions");
}

TEST(JobDefinitionList, AnotherErrorIsTheServicesOwnWithItsRequestId) {
  // As a service whose executor (AWS Batch) has no list of its own to show answers.
  ScriptedService service(
      {{"/job-definitions",
        JsonAnswer(501, {{"message", "the batch executor lists no definitions"}},
                   "X-Request-Id: abc\r\n")}});
  EXPECT_EQ(RunWfm(service, {"jd", "list"}),
            "error 1: the batch executor lists no definitions (request abc)");
}

}  // namespace
}  // namespace wfm::cli
