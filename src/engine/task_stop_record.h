// A decided stop of a task attempt, stored (kind "task-stop", status PENDING) in the same commit
// as the execution that decided it, and deleted once the executor has taken charge of it: a crash
// or an unreachable executor between the two never leaves a task running that should not.
#pragma once

#include <string>

#include "asl/interpreter.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace wfm {

inline constexpr const char* kRecordTaskStop = "task-stop";
inline constexpr const char* kTaskStopPending = "PENDING";

// The record of `stop`, decided by execution `execution_arn` at `now`; its key is the attempt's
// name (unique), its parent the execution.
Record TaskStopRecordOf(const asl::TaskToStop& stop, const std::string& execution_arn,
                        TimestampMs now);
// The stop a record holds. Errors: kInternal for a corrupt body.
Result<asl::TaskToStop> TaskStopOf(const Record& record);

}  // namespace wfm
