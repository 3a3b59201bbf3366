#include "server/tasks_directory.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/ids.h"

namespace wfm {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

// The identity of `tasks_dir`, written once: a new id goes to a temporary file that is then
// linked to .identity (link never replaces), so services starting together agree on one.
Result<std::string> TasksDirectoryIdentity(const fs::path& tasks_dir) {
  fs::path identity = tasks_dir / ".identity";
  std::error_code ec;
  fs::create_directories(tasks_dir, ec);
  if (!fs::exists(identity)) {
    fs::path temporary = tasks_dir / (".identity." + NewUuid());
    {
      std::ofstream out(temporary);
      out << NewUuid() << "\n";
      if (!out.flush()) {
        return Error{ErrorCode::kUnavailable,
                     "can't write the identity of the tasks directory " + tasks_dir.string()};
      }
    }
    if (link(temporary.c_str(), identity.c_str()) != 0 && errno != EEXIST) {
      std::string reason = std::strerror(errno);
      fs::remove(temporary, ec);
      return Error{ErrorCode::kUnavailable, "can't write " + identity.string() + ": " + reason};
    }
    fs::remove(temporary, ec);
  }
  std::string id = ReadFile(identity);
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  if (!IsUuid(id)) {
    return Error{ErrorCode::kUnavailable,
                 identity.string() +
                     " does not hold an identity (a UUID); remove it only if no "
                     "other service uses this tasks directory"};
  }
  return id;
}

}  // namespace

Status ClaimTasksDirectory(Store& store, const std::string& data_dir) {
  fs::path data = fs::absolute(data_dir).lexically_normal();
  if (!data.has_filename()) data = data.parent_path();  // "var/" → "var"
  auto id = TasksDirectoryIdentity(data / "tasks");
  if (!id.ok()) return id.error();
  nlohmann::json mine{{"id", id.value()}, {"dataDir", data.string()}, {"host", HostName()}};
  auto recorded_text = store.GetOrPutSetting(kTasksDirectorySetting, mine.dump());
  if (!recorded_text.ok()) return recorded_text.error();
  auto recorded = nlohmann::json::parse(recorded_text.value(), nullptr, false);
  if (recorded.is_object() && recorded.value("id", "") == id.value()) return OkStatus();

  std::string recorded_dir = recorded.is_object() ? recorded.value("dataDir", "?") : "?";
  std::string recorded_host = recorded.is_object() ? recorded.value("host", "") : "";
  std::string where = recorded_dir + (recorded_host.empty() ? "" : " on host " + recorded_host);
  std::string why = recorded_dir == data.string()
                        ? "its tasks directory " + (data / "tasks").string() +
                              " was made anew since the database recorded it (its identity changed)"
                        : "the database records the data directory " + where +
                              " for the services that run its tasks";
  return Error{ErrorCode::kConflict,
               "refusing to run tasks from the data directory " + data.string() + ": " + why +
                   ". With the local executor every service on one database must share one "
                   "--data-dir, or tasks run twice. Start this one with --data-dir " +
                   recorded_dir +
                   "; or, if that directory is gone for good and no service uses it, run "
                   "`workflow-manager --store ... data-dir forget` once, and the next service "
                   "to start records its own"};
}

}  // namespace wfm
