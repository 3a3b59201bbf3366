#include "cli/completion.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <set>

#include "cli/commands.h"
#include "cli/output.h"

namespace wfm::cli {
namespace {

struct CompletionTables {
  std::string subcommands;  // case arms: "path") echo "names" ;;
  std::string options;      // case arms: "path") echo "flags" ;;
  std::set<std::string> file_flags;
};

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

// The words that name `command`: its name, then its aliases.
std::vector<std::string> NamesOf(const CLI::App& command) {
  std::vector<std::string> names = {command.get_name()};
  for (const auto& alias : command.get_aliases()) names.push_back(alias);
  return names;
}

// Adds the case arms of `app`, reached by the words of `path`, and of every command below it
// (once for each of its names).
void Collect(const CLI::App& app, const std::string& path, CompletionTables* tables) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands(std::function<bool(const CLI::App*)>())) {
    for (const auto& name : NamesOf(*sub)) names.push_back(name);
  }
  std::vector<std::string> flags;
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) continue;
    for (const auto& name : option->get_snames()) flags.push_back("-" + name);
    for (const auto& name : option->get_lnames()) {
      flags.push_back("--" + name);
      if (name.ends_with("file")) tables->file_flags.insert("--" + name);
    }
  }
  tables->subcommands += "    \"" + path + "\") echo \"" + Join(names) + "\" ;;\n";
  tables->options += "    \"" + path + "\") echo \"" + Join(flags) + "\" ;;\n";
  for (const CLI::App* sub : app.get_subcommands(std::function<bool(const CLI::App*)>())) {
    for (const auto& name : NamesOf(*sub)) {
      Collect(*sub, path.empty() ? name : path + " " + name, tables);
    }
  }
}

std::string Alternatives(const std::set<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : "|") + word;
  return out;
}

// The script, with @SUBCOMMANDS@, @OPTIONS@ (case arms), @OUTPUT_FLAGS@, @FORMATS@ and
// @FILE_FLAGS@ to fill in.
constexpr const char* kScript = R"bash(# bash completion for wfm: source <(wfm completion bash)
_wfm_subcommands() {
  case "$1" in
@SUBCOMMANDS@  esac
}
_wfm_options() {
  case "$1" in
@OPTIONS@  esac
}
_wfm() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" path="" word i
  (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
  case "$prev" in
    @OUTPUT_FLAGS@) COMPREPLY=($(compgen -W "@FORMATS@" -- "$cur")); return 0 ;;
    @FILE_FLAGS@) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    case " $(_wfm_subcommands "$path") " in
      *" $word "*) path="${path:+$path }$word" ;;
    esac
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_wfm_options "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_wfm_subcommands "$path")" -- "$cur"))
  fi
}
complete -F _wfm wfm
)bash";

void Fill(std::string* text, const std::string& placeholder, const std::string& value) {
  text->replace(text->find(placeholder), placeholder.size(), value);
}

}  // namespace

std::string BashCompletionScript(const CLI::App& root) {
  CompletionTables tables;
  Collect(root, "", &tables);
  std::string script = kScript;
  Fill(&script, "@SUBCOMMANDS@", tables.subcommands);
  Fill(&script, "@OPTIONS@", tables.options);
  Fill(&script, "@OUTPUT_FLAGS@", Alternatives({"-o", "--output"}));
  Fill(&script, "@FORMATS@", Join(OutputFormats()));
  Fill(&script, "@FILE_FLAGS@", Alternatives(tables.file_flags));
  return script;
}

void AddCompletionCommand(CLI::App& app) {
  CLI::App* completion = app.add_subcommand("completion", "print a shell completion script");
  auto shell = std::make_shared<std::string>();
  completion->add_option("SHELL", *shell, "the shell: bash")
      ->required()
      ->check(CLI::IsMember({"bash"}));
  completion->callback([&app, shell] { std::cout << BashCompletionScript(app); });
}

}  // namespace wfm::cli
