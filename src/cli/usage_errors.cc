#include "cli/usage_errors.h"

namespace wfm::cli {
namespace {

// The option named `flag` ("--server", "-o") of `app` or of a command above it (the global
// flags are accepted after the command), or nullptr.
const CLI::Option* FindOption(const CLI::App* app, const std::string& flag) {
  for (; app != nullptr; app = app->get_parent()) {
    if (const CLI::Option* option = app->get_option_no_throw(flag)) return option;
  }
  return nullptr;
}

// The subcommand of `app` that `name` names (by its name or an alias), or nullptr.
const CLI::App* FindSubcommand(const CLI::App* app, const std::string& name) {
  for (const CLI::App* sub : app->get_subcommands(std::function<bool(const CLI::App*)>())) {
    if (sub->check_name(name)) return sub;
  }
  return nullptr;
}

}  // namespace

std::string UsageErrorLine(const CLI::App& root, const CLI::ParseError& error,
                           const std::vector<std::string>& args) {
  const CLI::App* reached = &root;
  std::string path = root.get_name();
  std::string unknown_word;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.starts_with("-")) {  // skip an option's value when it is the next word
      const CLI::Option* option = FindOption(reached, arg.substr(0, arg.find('=')));
      if (option && option->get_type_size_max() > 0 && arg.find('=') == std::string::npos) ++i;
      continue;
    }
    if (const CLI::App* sub = FindSubcommand(reached, arg)) {
      reached = sub;
      path += " " + arg;
    } else if (unknown_word.empty()) {
      unknown_word = arg;
    }
  }
  std::string what = error.what();
  what = what.substr(0, what.find('\n'));
  bool needs_command = !reached->get_subcommands(std::function<bool(const CLI::App*)>()).empty() &&
                       reached->get_require_subcommand_min() > 0;
  if (needs_command && !unknown_word.empty()) what = "unknown command '" + unknown_word + "'";
  return what + " (see " + path + " --help)";
}

}  // namespace wfm::cli
