// Slurm's job JSON, as `squeue --json` and slurmrestd (OpenAPI v0.0.38) both give it: an answer
// {"meta": ..., "errors": [...], "jobs": [job objects]}, read into SlurmJob. Whatever Slurm sends,
// a malformed answer is an error value (kUnavailable, saying what is wrong), never an exception.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "executor/slurm/slurm_client.h"

namespace wfm {

// True for the states a job never leaves: COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL,
// PREEMPTED, BOOT_FAIL, DEADLINE, OUT_OF_MEMORY.
bool IsTerminalSlurmState(const std::string& state);

// One job object. Needs job_id (a positive integer) and job_state (a string); name, state_reason,
// exit_code, start_time, end_time and nodes may be missing or null. exit_code is a wait status: a
// terminal job that exited gets exit_code (status >> 8), one ended by a signal gets signal (the low
// 7 bits); a job cancelled before it started gets neither. started_at is set once the job left
// PENDING (start_time, seconds, is 0 or a forecast before), ended_at once it is terminal
// (end_time is the time limit's end while it runs). Errors: kUnavailable naming the field that is
// missing, of the wrong type or out of range.
Result<SlurmJob> ParseSlurmJob(const nlohmann::json& job);

// A whole answer's "jobs" array, every job parsed. Errors: kUnavailable when "errors" holds any
// (their messages, see SlurmErrorMessages), when the answer is not an object, "jobs" is missing or
// not an array, or a job is malformed.
Result<std::vector<SlurmJob>> ParseSlurmJobList(const nlohmann::json& answer);

// The messages of an answer's "errors" array, each "<error> (<description>)"-like as Slurm gave
// them, joined by "; "; "" when there are none (or "errors" is missing or malformed).
std::string SlurmErrorMessages(const nlohmann::json& answer);

// `text` parsed as JSON. Errors: kUnavailable "<what> is not JSON: ..." (the first 200 bytes).
Result<nlohmann::json> ParseSlurmAnswer(const std::string& text, const std::string& what);

}  // namespace wfm
