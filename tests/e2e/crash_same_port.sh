#!/usr/bin/env bash
# The service stops while a long task runs (SIGKILL, then a clean SIGTERM) and is restarted at once
# on the SAME port: it must bind and serve, adopt the task (never start it twice), and a cancel
# must then really end the task's process. Then a cancel pending at the moment of a crash: the
# next process applies it, the task's process ends and the job reads CANCELLED with the task's
# stoppedAt set.
WFM_BIN=$1
source "$(dirname "$0")/lib.sh"

# Each run of the task appends its pid (the pid of `sleep`, thanks to exec) to a marker file.
mkdir -p "$WORK/markers"
cat >"$WORK/defs.json" <<DEFS
{"jobDefinitions": [
  {"jobDefinitionName": "long", "revision": 1,
   "containerProperties": {
     "command": ["sh", "-c", "echo \$\$ >> \"\$MARKERS/\$WORKFLOW_MANAGER_JOB_ID\"; exec sleep 300"],
     "environment": [{"name": "MARKERS", "value": "$WORK/markers"}]}}
]}
DEFS
FLAGS=(--job-definitions "$WORK/defs.json")

# start_on_port: starts the service on the port of its first start (any free one then) and waits
# until it serves.
start_on_port() {
  start_service "${FLAGS[@]}"
  PORT=${BASE##*:}
  PORTS[main]=$PORT
}

# start_long_job: starts a job of "long" and waits until its command runs; sets JOB and TASK_PID.
start_long_job() {
  JOB=$(call POST /jobs -d '{"workflow": {"name": "long"}}' | jq -r .id)
  expect_status 200 "start a long job"
  for _ in $(seq 1 1500); do
    [ -s "$WORK/markers/$JOB" ] && break
    sleep 0.02
  done
  [ -s "$WORK/markers/$JOB" ] || fail "the task of job $JOB never started"
  TASK_PID=$(head -n 1 "$WORK/markers/$JOB")
  kill -0 "$TASK_PID" 2>/dev/null || fail "the task's process $TASK_PID is not running"
}

# expect_ran_once: the task of $JOB ran exactly once and its process is still the one running.
expect_ran_once() {
  [ "$(wc -l <"$WORK/markers/$JOB")" -eq 1 ] || fail "the task ran $(wc -l <"$WORK/markers/$JOB") times"
  kill -0 "$TASK_PID" 2>/dev/null || fail "the task's process $TASK_PID is gone"
}

# expect_process_ends PID: the process ends within a minute (a bound, not a timing assertion).
expect_process_ends() {
  for _ in $(seq 1 3000); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.02
  done
  fail "process $1 still runs"
}

start_on_port
call POST /workflows -d '{"name": "long", "startAt": "s", "states": [{"name": "s", "type": "Task", "resource": "long", "end": true}]}' >/dev/null
expect_status 201 "create the workflow"

for signal in KILL TERM; do
  start_long_job
  if ls -l "/proc/$TASK_PID/fd" | grep -q 'socket:'; then fail "the task holds a socket"; fi
  pass "the task holds no socket of the service"
  stop_service "$signal"
  start_on_port
  pass "restarted on the same port $PORT at once after SIG$signal"
  call GET /_health >/dev/null
  expect_status 200 "the restarted service serves"
  wait_job "$JOB" '.status == "RUNNING" and .tasks[0].status == "RUNNING"'
  expect_ran_once
  pass "the running task was adopted, not started again"
  call DELETE "/jobs/$JOB" -d '{"reason": "stop it"}' >/dev/null
  expect_status 200 "cancel the adopted task's job"
  expect_process_ends "$TASK_PID"
  pass "the cancel terminated the adopted task's process"
  wait_job "$JOB" '.status == "CANCELLED" and .tasks[0].stoppedAt != null'
  pass "the job is CANCELLED and its task has stoppedAt"
done

# A cancel request pending at a crash, as an earlier version of the service stored it (request
# first, applied by its engine later): the restarted service applies it and the task's process,
# adopted by a fresh executor, really ends.
start_long_job
stop_service KILL
sqlite3 "$WORK/var/workflow-manager.db" \
  "INSERT INTO cancel_commands (job_id, reason, created_at) VALUES ('$JOB', 'cancelled at the crash', $(date +%s%3N))"
start_on_port
pass "restarted on the same port $PORT with a cancel pending"
expect_process_ends "$TASK_PID"
pass "the pending cancel terminated the task's process"
wait_job "$JOB" '.status == "CANCELLED" and .tasks[0].statusReason == "cancelled at the crash" and .tasks[0].stoppedAt != null'
[ "$(wc -l <"$WORK/markers/$JOB")" -eq 1 ] || fail "the task was started again"
pass "the job is CANCELLED, its task stopped once and has stoppedAt"
stop_service TERM

echo "$CHECKS passed, 0 failed"
