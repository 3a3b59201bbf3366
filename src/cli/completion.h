// `wfm completion bash`: a bash completion script made from the command tree itself, so it never
// lists a command or a flag that wfm does not have.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace wfm::cli {

// The bash script that completes wfm's commands and their aliases (by the words already typed),
// the flags of the command typed so far (after "-"), the values of -o/--output, and file names
// after the long flags that take a file (those whose name ends in "file"). Load it with
// `source <(wfm completion bash)`; it defines _wfm and registers it with `complete -F _wfm wfm`.
std::string BashCompletionScript(const CLI::App& root);

}  // namespace wfm::cli
