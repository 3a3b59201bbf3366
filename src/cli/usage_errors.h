// The one line wfm prints for a command line it refuses.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace wfm::cli {

// "<what CLI11 says> (see wfm job list --help)": the first line of the parse error, pointing at
// the help of the command the words of `args` (the command line after the program's name) reach.
// When that command needs a subcommand and a word is not one of them, it says so instead:
// "unknown command 'frobnicate' (see wfm --help)".
std::string UsageErrorLine(const CLI::App& root, const CLI::ParseError& error,
                           const std::vector<std::string>& args);

}  // namespace wfm::cli
