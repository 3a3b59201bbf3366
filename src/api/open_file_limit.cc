#include "api/open_file_limit.h"

#include <errno.h>
#include <sys/resource.h>

#include <cstring>
#include <string>

namespace wfm {

Result<long> RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return Error{ErrorCode::kInternal, std::string("getrlimit(RLIMIT_NOFILE): ") + strerror(errno)};
  }
  if (limit.rlim_cur != limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return Error{ErrorCode::kInternal,
                   std::string("setrlimit(RLIMIT_NOFILE): ") + strerror(errno)};
    }
  }
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace wfm
