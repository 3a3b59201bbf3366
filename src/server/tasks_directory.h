// One tasks directory per database for the local executor. Every engine on a shared database
// (PostgreSQL replicas, or an SQLite file given with --store) must see the same tasks directory,
// or an engine that takes over starts again tasks whose state files it can't see. The tasks
// directory carries a random identity (<data-dir>/tasks/.identity, written once); the first
// service records it in the database (setting kTasksDirectorySetting) and a service whose tasks
// directory has another identity is refused at start. Moving the data directory keeps its
// identity; after losing it for good, `workflow-manager data-dir forget` clears the record.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace wfm {

// The store setting that records the tasks directory (JSON: id, dataDir, host).
inline constexpr char kTasksDirectorySetting[] = "local-tasks-directory";

// Gives <data_dir>/tasks an identity if it has none, records it in `store` if the store has none,
// and checks that both agree. Errors: kConflict with a message naming this data directory and
// the recorded one, and how to reset; kUnavailable when the directory or the store can't be used.
Status ClaimTasksDirectory(Store& store, const std::string& data_dir);

}  // namespace wfm
