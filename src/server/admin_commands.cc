#include "server/admin_commands.h"

#include <cstdio>

#include "api/api_tokens.h"
#include "server/tasks_directory.h"

namespace wfm {
namespace {

constexpr size_t kMaxNameLength = 64;

int Refuse(const std::string& message) {
  fprintf(stderr, "workflow-manager: %s\n", message.c_str());
  return 1;
}

bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

AdminCommands::AdminCommands(CLI::App& app) {
  CLI::App* token = app.add_subcommand("token", "create, list and revoke API tokens");
  token->require_subcommand(1)->fallthrough();
  token_create_ = token->add_subcommand(
      "create", "make a new API token and print it (once: only its hash is kept)");
  token_create_->fallthrough();
  token_create_->add_option("--scope", scope_, "read (GET), write (also POST, PUT, DELETE), admin")
      ->required()
      ->check(CLI::IsMember({"read", "write", "admin"}));
  token_create_->add_option("--name", name_,
                            "a unique name (letters, digits, '-', '_', '.'; default: token-<id>)");
  token_list_ = token->add_subcommand("list", "list the API tokens (never the tokens themselves)");
  token_list_->fallthrough();
  token_revoke_ = token->add_subcommand("revoke", "delete an API token: it stops working");
  token_revoke_->fallthrough();
  token_revoke_->add_option("token", revoke_target_, "the token's id or name")->required();

  CLI::App* data_dir = app.add_subcommand("data-dir", "the data directory recorded in the store");
  data_dir->require_subcommand(1)->fallthrough();
  data_dir_forget_ = data_dir->add_subcommand(
      "forget",
      "forget the tasks directory recorded in the store (the next service to start records its "
      "own); only when the recorded one is gone for good");
  data_dir_forget_->fallthrough();
}

bool AdminCommands::Requested() const {
  return token_create_->parsed() || token_list_->parsed() || token_revoke_->parsed() ||
         data_dir_forget_->parsed();
}

int AdminCommands::Run(const std::function<Result<std::unique_ptr<Store>>()>& open_store,
                       Clock& clock) {
  auto store = open_store();
  if (!store.ok()) return Refuse(store.error().message);
  if (token_create_->parsed()) return CreateToken(*store.value(), clock);
  if (token_list_->parsed()) return ListTokens(*store.value());
  if (token_revoke_->parsed()) return RevokeToken(*store.value());
  return ForgetDataDirectory(*store.value());
}

int AdminCommands::CreateToken(Store& store, Clock& clock) {
  if (!name_.empty() && !IsValidName(name_)) {
    return Refuse("--name must be 1 to 64 letters, digits, '-', '_' or '.', got '" + name_ + "'");
  }
  TokenScope scope;
  if (!ParseTokenScope(scope_, &scope)) return Refuse("unknown --scope '" + scope_ + "'");
  auto token = MakeApiToken(name_, scope, clock.Now());
  if (!token.ok()) return Refuse(token.error().message);
  if (name_.empty()) token->record.name = "token-" + token->record.id.substr(0, 8);
  if (auto created = store.CreateToken(token->record); !created.ok()) {
    return Refuse(created.error().message);
  }
  fprintf(stderr, "created token '%s' (scope %s, id %s); it is shown once, below: keep it now\n",
          token->record.name.c_str(), ToString(scope), token->record.id.c_str());
  printf("%s\n", token->secret.c_str());
  return 0;
}

int AdminCommands::ListTokens(Store& store) {
  auto tokens = store.ListTokens();
  if (!tokens.ok()) return Refuse(tokens.error().message);
  printf("%-36s  %-24s  %-5s  %-24s  %s\n", "ID", "NAME", "SCOPE", "CREATED", "SHA-256");
  for (const ApiToken& token : tokens.value()) {
    printf("%-36s  %-24s  %-5s  %-24s  %s...\n", token.id.c_str(), token.name.c_str(),
           ToString(token.scope), FormatTimestamp(token.created_at).c_str(),
           token.sha256_hex.substr(0, 12).c_str());
  }
  return 0;
}

int AdminCommands::RevokeToken(Store& store) {
  auto revoked = store.DeleteToken(revoke_target_);
  if (!revoked.ok()) return Refuse(revoked.error().message);
  fprintf(stderr, "revoked token '%s' (id %s); services stop accepting it within a second\n",
          revoked->name.c_str(), revoked->id.c_str());
  return 0;
}

int AdminCommands::ForgetDataDirectory(Store& store) {
  if (auto forgotten = store.DeleteSetting(kTasksDirectorySetting); !forgotten.ok()) {
    return Refuse(forgotten.error().message);
  }
  fprintf(stderr,
          "forgot the recorded data directory: the next service to start records its own\n");
  return 0;
}

}  // namespace wfm
