// The process's limit on open file descriptors.
#pragma once

#include "core/result.h"

namespace wfm {

// Raises the soft RLIMIT_NOFILE to the hard limit, so that connections and task logs do not run
// out of descriptors early; returns the soft limit now in force. Errors: kInternal when the limit
// can't be read or set. Call once at start, before threads start.
Result<long> RaiseOpenFileLimit();

}  // namespace wfm
