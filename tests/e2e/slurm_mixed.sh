#!/usr/bin/env bash
# Several executors in one service (--executor local,slurm) on a private Slurm: a workflow whose
# steps run locally, on Slurm, and locally again SUCCEEDS; each task's id names the executor that
# ran it ("local:...", "slurm:<Slurm job id>"), each log is read from where its task ran, the
# Slurm job is COMPLETED, a definition naming an executor the service does not have is refused,
# /metrics counts each executor apart. Then a kill -9 and a restart on the same port while the
# Slurm step runs: the job still SUCCEEDS, with one Slurm job for that step.
# Needs root and Slurm's packages (skipped, exit 77, without them).
# usage: slurm_mixed.sh WFM_BIN SOURCE_DIR
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
source "$SOURCE_DIR/tests/e2e/slurm/lib.sh"
cd "$SOURCE_DIR"

start_cluster "$WORK/cluster"
cat >"$WORK/defs.json" <<'DEFS'
{"jobDefinitions": [
  {"jobDefinitionName": "here", "containerProperties": {"command": ["sh", "-c", "echo \"here $WORKFLOW_MANAGER_STATE\""]}},
  {"jobDefinitionName": "there", "executor": "slurm", "slurmProperties": {"cpusPerTask": 1},
   "containerProperties": {"command": ["sh", "-c", "sleep 3; echo \"there $SLURM_JOB_ID\""]}}
]}
DEFS
cat >"$WORK/batch-only.json" <<'DEFS'
{"jobDefinitions": [
  {"jobDefinitionName": "here", "executor": "slurm", "containerProperties": {"command": ["true"]}}
]}
DEFS
FLAGS=(--executor local,slurm --job-definitions "$WORK/defs.json" --slurm-poll-interval 0.2
       --slurm-work-dir "$WORK/slurm-out")
start_instance mixed "${FLAGS[@]}"
BASE=${URLS[mixed]}
PORTS[mixed]=${BASE##*:}
call POST /workflows -d '{"name": "mixed", "startAt": "a", "states": [
  {"name": "a", "type": "Task", "resource": "here", "next": "b"},
  {"name": "b", "type": "Task", "resource": "there", "next": "c"},
  {"name": "c", "type": "Task", "resource": "here", "end": true}]}' >/dev/null
expect_status 201 "create a workflow of a local, a Slurm and a local step"

id=$(start_job mixed)
wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
job_json "$id" "$WORK/job.json"
check_jq "the job SUCCEEDED, every task with exit code 0" "$WORK/job.json" \
  '.status == "SUCCEEDED" and ([.tasks[] | .exitCode] == [0, 0, 0])'
check_jq "tasks a and c ran locally, b on Slurm (their ids say where)" "$WORK/job.json" \
  '(.tasks[0].id | startswith("local:")) and (.tasks[1].id | test("^slurm:[0-9]+$")) and
   (.tasks[2].id | startswith("local:"))'
slurm_id=$(jq -r '.tasks[1].id | ltrimstr("slurm:")' "$WORK/job.json")
check "Slurm job $slurm_id COMPLETED" [ "$(slurm_state "$slurm_id")" = COMPLETED ]
check "a's log is its local output" [ "$(call GET "/jobs/$id/tasks/a/log")" = "here a" ]
check "b's log is its Slurm output" [ "$(call GET "/jobs/$id/tasks/b/log")" = "there $slurm_id" ]
check "c's log is its local output" [ "$(call GET "/jobs/$id/tasks/c/log")" = "here c" ]
call GET /metrics >"$WORK/metrics.txt"
check "metrics count the local tasks apart" \
  grep -q '^wfm_tasks_ended_total{executor="local",status="succeeded"} 2$' "$WORK/metrics.txt"
check "metrics count the Slurm task apart" \
  grep -q '^wfm_tasks_ended_total{executor="slurm",status="succeeded"} 1$' "$WORK/metrics.txt"

# A definition for an executor the service does not have is refused when the workflow is created.
cat >"$WORK/local-defs.json" <<'DEFS'
{"jobDefinitions": [
  {"jobDefinitionName": "here", "executor": "local", "containerProperties": {"command": ["true"]}}
]}
DEFS
start_instance slurm-batch --executor slurm,batch --job-definitions "$WORK/local-defs.json" \
  --store "sqlite:$WORK/slurm-batch.db" --slurm-work-dir "$WORK/slurm-out-2" \
  --batch-queue q --aws-region us-east-1 --batch-endpoint http://127.0.0.1:1
BASE=${URLS[slurm-batch]}
call POST /workflows -d '{"name": "w", "startAt": "a", "states": [
  {"name": "a", "type": "Task", "resource": "here", "end": true}]}' >/dev/null
check "a definition for the local executor is refused by a service of Slurm and Batch (400)" \
  [ "$(cat "$WORK/status")" = 400 ]
check "its message says why" grep -q "runs on local, which this service does not have" "$WORK/body"
stop_instance slurm-batch TERM

# kill -9 while the Slurm step runs, a restart on the same port: one Slurm job for it.
BASE=${URLS[mixed]}
id=$(start_job mixed)
wait_job "$id" '.tasks[1].status == "RUNNING"'
stop_instance mixed KILL
start_instance mixed "${FLAGS[@]}"
wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
job_json "$id" "$WORK/job.json"
check_jq "after kill -9 and a restart on the same port, the mixed job SUCCEEDED" "$WORK/job.json" \
  '.status == "SUCCEEDED"'
attempt="$id-1-1"
check "one Slurm job for the Slurm step" [ "$(slurm_ids_named "$attempt" | wc -l)" = 1 ]

stop_instance mixed TERM
finish
