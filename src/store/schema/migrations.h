// Versioned schema migrations, embedded at build time from schema/<dialect>/NNNN_*.sql.
#pragma once

#include <vector>

namespace wfm {

struct Migration {
  int version;      // NNNN from the file name; applied in increasing order
  const char* sql;  // the file's contents
};

extern const std::vector<Migration> kSqliteMigrations;
extern const std::vector<Migration> kPostgresMigrations;

}  // namespace wfm
