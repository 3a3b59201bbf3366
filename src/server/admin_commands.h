// The service binary's maintenance subcommands. They work on the store the service would use
// (the same --store and --data-dir flags, also after the subcommand), print their answer and exit;
// they may run while services use the store.
//   token create --scope read|write|admin [--name TEXT]   prints the new token once, on stdout
//   token list                                            id, name, scope, created, hash prefix
//   token revoke ID-or-NAME
//   data-dir forget                                       forgets the recorded tasks directory
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace wfm {

class AdminCommands {
 public:
  // Adds the subcommands to `app`; `this` must outlive its parsing.
  explicit AdminCommands(CLI::App& app);

  // True when the command line named one of the subcommands (after parsing).
  bool Requested() const;

  // Runs the subcommand named, on the store `open_store` opens. Returns the process's exit code:
  // 0 done, 1 refused or failed (the reason on stderr).
  int Run(const std::function<Result<std::unique_ptr<Store>>()>& open_store, Clock& clock);

 private:
  int CreateToken(Store& store, Clock& clock);
  int ListTokens(Store& store);
  int RevokeToken(Store& store);
  int ForgetDataDirectory(Store& store);

  CLI::App* token_create_;
  CLI::App* token_list_;
  CLI::App* token_revoke_;
  CLI::App* data_dir_forget_;
  std::string scope_;
  std::string name_;
  std::string revoke_target_;
};

}  // namespace wfm
