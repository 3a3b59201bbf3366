#!/usr/bin/env bash
# SQLite: SIGKILL the service at random moments while jobs run, restarting it each time; every
# job must end SUCCEEDED and every task's command must have run exactly once (each run appends a
# line to its own marker file). Then: a cancel accepted just before a SIGKILL is honoured.
WFM_BIN=$1
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-300}
KILLS=${KILLS:-5}
write_marker_definitions
FLAGS=(--job-definitions "$WORK/defs.json" --max-parallel 4)

start_service "${FLAGS[@]}"
start_crashy_jobs "$JOBS"

for k in $(seq 1 "$KILLS"); do
  sleep "0.$((RANDOM % 9 + 1))"
  stop_service KILL
  pass "SIGKILL $k of the service"
  start_service "${FLAGS[@]}"
done

for id in "${ids[@]}"; do wait_job "$id" '.status == "SUCCEEDED"'; done
pass "all $JOBS jobs SUCCEEDED after $KILLS kills"
check_exactly_once "$KILLS" "${ids[@]}"

call POST /workflows -d '{"name": "sleepy", "startAt": "s", "states": [{"name": "s", "type": "Task", "resource": "sleep", "end": true}]}' >/dev/null
expect_status 201 "create sleepy workflow"
sid=$(call POST /jobs -d '{"workflow": {"name": "sleepy"}}' | jq -r .id)
wait_job "$sid" '.tasks[0].status == "RUNNING"'
call DELETE "/jobs/$sid" -d '{"reason": "stop before the crash"}' >/dev/null; expect_status 200 "cancel accepted"
stop_service KILL
start_service "${FLAGS[@]}"
wait_job "$sid" '.status == "CANCELLED" and .tasks[0].statusReason == "stop before the crash"'
pass "the cancel survived the SIGKILL"
stop_service TERM

echo "$CHECKS passed, 0 failed"
