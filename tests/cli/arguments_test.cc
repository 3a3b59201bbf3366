// The command line: what wfm refuses before it sends anything, the errors it makes of the service's
// answers, input files, the completion script.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/input_files.h"
#include "cli/service_client.h"
#include "cli/usage_errors.h"

namespace wfm::cli {
namespace {

using Json = nlohmann::json;

// Parses `args` (after "wfm") with the real command tree, pointed at a port nobody listens on
// (unless `args` choose a server): "" when the arguments were accepted and the command ran (and
// could not connect), else the parse error's message.
std::string ParseError(std::vector<std::string> args) {
  CLI::App app;
  CommandContext context;
  BuildCommandTree(app, context);
  if (std::find(args.begin(), args.end(), "--server") == args.end()) {
    args.insert(args.begin(), {"--server", "http://127.0.0.1:9"});
  }
  args.insert(args.begin(), "wfm");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return e.what();
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code(), kExitCannotConnect) << e.what();
  }
  return "";
}

TEST(CommandLine, AcceptsWellFormedCommands) {
  EXPECT_EQ(ParseError({"job", "list", "--status", "running", "--limit", "5", "-o", "json"}), "");
  EXPECT_EQ(ParseError({"job", "start", "w", "--revision", "2", "--data", "[1]"}), "");
  EXPECT_EQ(ParseError({"exec", "list", "machine", "--status", "timed_out"}), "");
  EXPECT_EQ(ParseError({"workflow", "get", "w", "-o", "yaml", "--server", "http://127.0.0.1:9"}),
            "");
  EXPECT_EQ(ParseError({"jd", "list", "-o", "yaml"}), "");
}

TEST(CommandLine, RefusesBadArgumentsBeforeSendingAnything) {
  EXPECT_NE(ParseError({}), "");                                         // no command
  EXPECT_NE(ParseError({"job"}), "");                                    // no subcommand
  EXPECT_NE(ParseError({"job", "list", "--bogus"}), "");                 // unknown flag
  EXPECT_NE(ParseError({"job", "list", "--status", "DONE"}), "");        // unknown status
  EXPECT_NE(ParseError({"job", "list", "--limit", "0"}), "");            // not positive
  EXPECT_NE(ParseError({"job", "list", "-o", "xml"}), "");               // unknown format
  EXPECT_NE(ParseError({"job", "get"}), "");                             // no ID
  EXPECT_NE(ParseError({"job", "cancel", "id"}), "");                    // no --reason
  EXPECT_NE(ParseError({"job", "start", "w", "--revision", "-1"}), "");  // negative
  EXPECT_NE(ParseError({"job", "start", "w", "--data", "[]", "--data-file", "f"}), "");
  EXPECT_NE(ParseError({"workflow", "create"}), "");           // no -f
  EXPECT_NE(ParseError({"sm", "create", "--name", "m"}), "");  // no definition
  EXPECT_NE(ParseError({"exec", "start", "m", "--input", "{}", "--input-file", "f"}), "");
  EXPECT_NE(ParseError({"completion", "fish"}), "");
  EXPECT_NE(ParseError({"job-definition"}), "");  // no subcommand
}

// The line wfm prints for refused `args`.
std::string UsageLine(const std::vector<std::string>& args) {
  CLI::App app;
  CommandContext context;
  BuildCommandTree(app, context);
  std::vector<const char*> argv = {"wfm"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    return UsageErrorLine(app, e, args);
  }
  return "(accepted)";
}

TEST(UsageErrorLine, PointsAtTheHelpOfTheCommandReached) {
  EXPECT_EQ(UsageLine({"job", "list", "--bogus"}),
            "The following argument was not expected: --bogus (see wfm job list --help)");
  EXPECT_EQ(UsageLine({"--server", "http://x", "job", "list", "-o", "xml"}),
            "--output: xml not in {table,json,yaml} (see wfm job list --help)");
  EXPECT_EQ(UsageLine({"workflow", "get", "--revision", "-1", "w"})
                .ends_with("(see wfm workflow get --help)"),
            true);
}

TEST(UsageErrorLine, NamesAnUnknownCommand) {
  EXPECT_EQ(UsageLine({"frobnicate"}), "unknown command 'frobnicate' (see wfm --help)");
  EXPECT_EQ(UsageLine({"--server", "http://x", "job", "frob"}),
            "unknown command 'frob' (see wfm job --help)");
  EXPECT_EQ(UsageLine({"job"}), "A subcommand is required (see wfm job --help)");
  EXPECT_EQ(UsageLine({"jd", "frob"}), "unknown command 'frob' (see wfm jd --help)");  // an alias
}

TEST(CommandLine, UsageErrorsFoundAfterParsingAreExitCodeTwo) {
  CLI::App app;
  CommandContext context;
  BuildCommandTree(app, context);
  const char* argv[] = {"wfm", "job", "start", "w", "--data", "[1,"};
  try {
    app.parse(6, argv);
    FAIL() << "bad --data JSON was accepted";
  } catch (const CliError& e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find("--data is not valid JSON"), std::string::npos);
  }
}

TEST(ErrorMessageOf, PrefersTheServicesMessage) {
  EXPECT_EQ(ErrorMessageOf({404, R"({"message": "job 'x' not found"})", "", ""}),
            "job 'x' not found");
  EXPECT_EQ(ErrorMessageOf({400, R"({"__type": "com.amazonaws.states#InvalidArn",
                                     "message": "Invalid Arn"})",
                            "", ""}),
            "InvalidArn: Invalid Arn");
  EXPECT_EQ(ErrorMessageOf({502, "Bad Gateway\n<html>", "", ""}), "HTTP 502: Bad Gateway");
  EXPECT_EQ(ErrorMessageOf({500, "", "", ""}), "the service answered HTTP 500");
  EXPECT_TRUE(IsUnknownPath({404, R"({"message": "no such path: /job-definitions"})", "", ""}));
  EXPECT_FALSE(IsUnknownPath({404, R"({"message": "job 'x' not found"})", "", ""}));
}

TEST(ServiceError, NamesTheRequestWhenTheAnswerDoes) {
  CliError error = ServiceError({404, R"({"message": "job 'x' not found"})", "", "3f2a-9b"});
  EXPECT_EQ(error.exit_code(), kExitServiceError);
  EXPECT_STREQ(error.what(), "job 'x' not found (request 3f2a-9b)");
  EXPECT_STREQ(ServiceError({404, R"({"message": "job 'x' not found"})", "", ""}).what(),
               "job 'x' not found");
  EXPECT_STREQ(ServiceError({404, "", "", "r"}, "no job definitions").what(),
               "no job definitions (request r)");
}

TEST(ReadDocumentFile, ReadsJsonOrYamlAndNamesTheFileWhenItCant) {
  std::string dir = ::testing::TempDir();
  std::ofstream(dir + "/w.yaml") << "name: w\nstates: []\n";
  std::ofstream(dir + "/w.json") << "{\"name\": \"w\", \"states\": []}";
  std::ofstream(dir + "/w.txt") << "name: w\nstates: []\n";
  std::ofstream(dir + "/bad.json") << "{\"name\": ";
  Json expected = {{"name", "w"}, {"states", Json::array()}};
  EXPECT_EQ(ReadDocumentFile(dir + "/w.yaml"), expected);
  EXPECT_EQ(ReadDocumentFile(dir + "/w.json"), expected);
  EXPECT_EQ(ReadDocumentFile(dir + "/w.txt"), expected);  // not JSON: read as YAML
  for (const std::string& bad : {dir + "/bad.json", dir + "/missing.json"}) {
    try {
      ReadDocumentFile(bad);
      FAIL() << bad << " was read";
    } catch (const CliError& e) {
      EXPECT_EQ(e.exit_code(), kExitUsage);
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(BashCompletionScript, ListsEveryCommandAndItsFlags) {
  CLI::App app;
  CommandContext context;
  BuildCommandTree(app, context);
  std::string script = BashCompletionScript(app);
  EXPECT_NE(script.find("\"\") echo \"workflow job job-definition jd sm exec completion\" ;;"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("\"jd\") echo \"list\" ;;"), std::string::npos);  // an alias leads on
  EXPECT_NE(script.find("\"job-definition list\") echo \"-h --help -o --output\" ;;"),
            std::string::npos);
  EXPECT_NE(script.find("\"job\") echo \"start get list cancel logs watch\" ;;"),
            std::string::npos);
  EXPECT_NE(script.find("\"job list\") echo \"-h --help --workflow --status --since --until "
                        "--limit -o --output\" ;;"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("--data-file|--definition-file|--file|--input-file)"), std::string::npos);
  EXPECT_NE(script.find("complete -F _wfm wfm"), std::string::npos);
}

}  // namespace
}  // namespace wfm::cli
