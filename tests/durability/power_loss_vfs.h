// A SQLite VFS for tests that shows what a power loss would leave on disk. It wraps the default
// VFS: every write reaches the real file as usual, and at each xSync a copy of the whole file is
// taken ("<file>.synced"). ImageAfterPowerLoss() then gathers, under a directory, each file as it
// was at its last sync: what a disk that honours fsync, and nothing more, keeps when the power goes.
// The -shm file is left out (SQLite rebuilds it from the WAL). For small test databases only.
#pragma once

#include <cstdint>
#include <string>

namespace wfm::testing {

// The name to open databases with (SqliteOptions::vfs). Registers the VFS on first use.
const char* PowerLossVfsName();

// Writes into `directory` (created) every file opened through the VFS under `source_directory`,
// each as of its last sync; a file never synced is absent. Returns the number of files written.
int ImageAfterPowerLoss(const std::string& source_directory, const std::string& directory);

// Syncs seen by the VFS so far (all files).
int64_t PowerLossVfsSyncs();

}  // namespace wfm::testing
