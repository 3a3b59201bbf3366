#include "durability/power_loss_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <mutex>

namespace wfm::testing {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuffix = ".synced";
std::atomic<int64_t> syncs{0};
// Held while a synced copy is written and while an image is taken: an image is the synced state of
// every file at one instant (a checkpoint between the database's copy and the WAL's would
// otherwise pair an old database with a newer WAL).
std::mutex copies_mu;
sqlite3_vfs* base_vfs = nullptr;

// An open file: our header, then the wrapped VFS's file object.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* path;  // empty for temporary files, which are not shadowed
};

sqlite3_file* Real(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real; }

bool IsShm(const std::string& path) {
  return path.size() > 4 && path.compare(path.size() - 4, 4, "-shm") == 0;
}

int Close(sqlite3_file* file) {
  File* f = reinterpret_cast<File*>(file);
  int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
  delete f->path;
  return rc;
}
int Read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), buffer, amount, offset);
}
int Write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset) {
  return Real(f)->pMethods->xWrite(Real(f), buffer, amount, offset);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
// Syncs the real file, then copies it whole: the copy is what survives a power loss.
int Sync(sqlite3_file* file, int flags) {
  File* f = reinterpret_cast<File*>(file);
  int rc = f->real->pMethods->xSync(f->real, flags);
  if (rc == SQLITE_OK && f->path && !f->path->empty() && !IsShm(*f->path)) {
    syncs.fetch_add(1);
    std::lock_guard lock(copies_mu);
    std::error_code ec;
    fs::copy_file(*f->path, *f->path + kSuffix, fs::copy_options::overwrite_existing, ec);
    if (ec) return SQLITE_IOERR_FSYNC;
  }
  return rc;
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), offset, amount, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
  return Real(f)->pMethods->xUnfetch(Real(f), offset, page);
}

const sqlite3_io_methods kMethods = {
    .iVersion = 3,
    .xClose = Close,
    .xRead = Read,
    .xWrite = Write,
    .xTruncate = Truncate,
    .xSync = Sync,
    .xFileSize = FileSize,
    .xLock = Lock,
    .xUnlock = Unlock,
    .xCheckReservedLock = CheckReservedLock,
    .xFileControl = FileControl,
    .xSectorSize = SectorSize,
    .xDeviceCharacteristics = DeviceCharacteristics,
    .xShmMap = ShmMap,
    .xShmLock = ShmLock,
    .xShmBarrier = ShmBarrier,
    .xShmUnmap = ShmUnmap,
    .xFetch = Fetch,
    .xUnfetch = Unfetch,
};

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = reinterpret_cast<File*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->path = new std::string(name ? name : "");
  f->base.pMethods = nullptr;
  int rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    delete f->path;
    return rc;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  std::lock_guard lock(copies_mu);
  std::error_code ec;
  fs::remove(std::string(name) + kSuffix, ec);
  return base_vfs->xDelete(base_vfs, name, sync_dir);
}

sqlite3_vfs* Register() {
  static sqlite3_vfs vfs;
  base_vfs = sqlite3_vfs_find(nullptr);
  vfs = *base_vfs;
  vfs.zName = "powerloss";
  vfs.szOsFile = static_cast<int>(sizeof(File)) + base_vfs->szOsFile;
  vfs.xOpen = Open;
  vfs.xDelete = Delete;
  vfs.pAppData = nullptr;
  sqlite3_vfs_register(&vfs, 0);
  return &vfs;
}

}  // namespace

const char* PowerLossVfsName() {
  static sqlite3_vfs* vfs = Register();
  return vfs->zName;
}

int ImageAfterPowerLoss(const std::string& source_directory, const std::string& directory) {
  std::lock_guard lock(copies_mu);
  fs::create_directories(directory);
  int written = 0;
  for (const auto& entry : fs::directory_iterator(source_directory)) {
    std::string name = entry.path().filename().string();
    if (name.size() <= std::strlen(kSuffix) ||
        name.compare(name.size() - std::strlen(kSuffix), std::strlen(kSuffix), kSuffix) != 0) {
      continue;
    }
    std::string original = name.substr(0, name.size() - std::strlen(kSuffix));
    fs::copy_file(entry.path(), fs::path(directory) / original,
                  fs::copy_options::overwrite_existing);
    ++written;
  }
  return written;
}

int64_t PowerLossVfsSyncs() { return syncs.load(); }

}  // namespace wfm::testing
