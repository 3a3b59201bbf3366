#!/usr/bin/env bash
# SIGKILL the service in the middle of jobs, restart it, and check that every job completes and
# every task's command ran exactly once (each run appends a line to its own marker file).
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"

JOBS=${JOBS:-20}
KILLS=${KILLS:-3}
mkdir -p "$WORK/markers"
cat >"$WORK/defs.json" <<DEFS
{"jobDefinitions": [
  {"jobDefinitionName": "mark", "revision": 1,
   "containerProperties": {
     "command": ["sh", "-c", "echo ran >> \"\$MARKERS/\$WORKFLOW_MANAGER_JOB_ID-\$WORKFLOW_MANAGER_STATE\"; sleep 0.2"],
     "environment": [{"name": "MARKERS", "value": "$WORK/markers"}]}},
  {"jobDefinitionName": "sleep", "revision": 1,
   "containerProperties": {"command": ["sleep", "300"]}}
]}
DEFS
cat >"$WORK/wf.json" <<'WF'
{"name": "crashy", "startAt": "a", "states": [
  {"name": "a", "type": "Task", "resource": "mark", "next": "b"},
  {"name": "b", "type": "Task", "resource": "mark", "next": "c"},
  {"name": "c", "type": "Task", "resource": "mark", "end": true}]}
WF
FLAGS=(--job-definitions "$WORK/defs.json" --max-parallel 4)

start_service "${FLAGS[@]}"
call POST /workflows -d @"$WORK/wf.json" >/dev/null; expect_status 201 "create workflow"
ids=()
for _ in $(seq 1 "$JOBS"); do
  ids+=("$(call POST /jobs -d '{"workflow": {"name": "crashy"}, "data": ["x"]}' | jq -r .id)")
done
pass "started $JOBS jobs"

for k in $(seq 1 "$KILLS"); do
  sleep "0.$((RANDOM % 9 + 1))"
  stop_service KILL
  pass "SIGKILL $k of the service"
  start_service "${FLAGS[@]}"
done

for id in "${ids[@]}"; do wait_job "$id" '.status == "SUCCEEDED"'; done
pass "all $JOBS jobs SUCCEEDED after $KILLS kills"

tasks=0 duplicates=0 missing=0
for id in "${ids[@]}"; do
  for state in a b c; do
    tasks=$((tasks + 1))
    f="$WORK/markers/$id-$state"
    if [ ! -f "$f" ]; then missing=$((missing + 1)); continue; fi
    lines=$(wc -l <"$f")
    [ "$lines" -eq 1 ] || duplicates=$((duplicates + 1))
  done
done
echo "checked: jobs=$JOBS tasks=$tasks kills=$KILLS duplicates=$duplicates missing=$missing"
[ "$duplicates" -eq 0 ] && [ "$missing" -eq 0 ] || fail "a task ran twice or never"
pass "every task ran exactly once"

# A cancel accepted just before a SIGKILL stays honoured after the restart.
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
