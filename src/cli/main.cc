// wfm, the command-line client of workflow-manager: parses the command line, runs the command,
// and turns how it ended into one line on stderr and the documented exit code.
#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "cli/cli_error.h"
#include "cli/commands.h"
#include "cli/usage_errors.h"

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app;
  wfm::cli::CommandContext context;
  wfm::cli::BuildCommandTree(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "wfm: " << wfm::cli::UsageErrorLine(app, e, {argv + 1, argv + argc}) << "\n";
    return wfm::cli::kExitUsage;
  } catch (const wfm::cli::CliError& e) {
    std::cerr << "wfm: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {  // the service answered something wfm can't read
    std::string what = e.what();
    std::cerr << "wfm: " << what.substr(0, what.find('\n')) << "\n";
    return wfm::cli::kExitServiceError;
  }
  return context.exit_code;
}
