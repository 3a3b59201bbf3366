#!/usr/bin/env bash
# The service on a real Slurm (private clusters under $WORK, tests/slurm/cluster.sh) through
# crashes and outages, through Slurm's command-line tools:
#  1. kill -9 between sbatch submitting a job and the service storing its id (an sbatch wrapper,
#     tests/e2e/slurm/slow-sbatch, answers late); restarted on the same port without it, the job
#     SUCCEEDS with one Slurm job per task attempt, the task's id being that job's.
#  2. slurmctld stopped while a task runs: GET /_health answers 503 naming Slurm, nothing is
#     FAILED while it is away; started again, the job SUCCEEDS.
#  3. slurmctld stopped before a job starts: its task stays QUEUED saying why, /_health 503;
#     slurmctld back, the job SUCCEEDS, submitted once.
#  4. (a cluster with MinJobAge 2) jobs Slurm forgets while the service is down (kill -9): a task
#     that exited 3 gets FAILED, exitCode 3 from its exit-status marker; one scancel'ed gets
#     Slurm.Cancelled from jobcomp/filetxt's file (--slurm-jobcomp-file).
#  5. sbatch answering after --slurm-timeout (the job submitted, the answer lost): the attempt must
#     still be one Slurm job.
# Needs root and Slurm's packages (skipped, exit 77, without them).
# usage: slurm_crash.sh WFM_BIN SOURCE_DIR
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
source "$SOURCE_DIR/tests/e2e/slurm/lib.sh"
cd "$SOURCE_DIR"

start_cluster "$WORK/cluster"
jq -s '{jobDefinitions: (.[0].jobDefinitions + .[1].jobDefinitions)}' data/job-definitions.json \
  tests/e2e/slurm/job-definitions.json >"$WORK/defs.json"
# (--slurm-timeout is given at each start: the slow sbatch's need their own)
FLAGS=(--executor slurm --job-definitions "$WORK/defs.json" --slurm-poll-interval 0.2 --log-level debug)

# install_slow_sbatch DIR: the late-answering sbatch as DIR/sbatch.
install_slow_sbatch() {
  rm -rf "$1" && mkdir -p "$1"
  cp tests/e2e/slurm/slow-sbatch "$1/sbatch"
  chmod +x "$1/sbatch"
}
# kill_slow_sbatch DIR: ends the wrapper and its sleep (by their pids in DIR/submitted).
kill_slow_sbatch() {
  local pid
  for pid in $(cat "$1/submitted"); do kill -9 "$pid" 2>/dev/null || true; done
}
# expect_one_slurm_job NAME TASK_ID DESCRIPTION: exactly one Slurm job is named NAME, and it is
# TASK_ID.
expect_one_slurm_job() {
  local ids
  ids=$(slurm_ids_named "$1" | tr '\n' ' ')
  check "$3: Slurm has one job named $1, the task's $2 (Slurm's: ${ids:-none})" [ "$ids" = "$2 " ]
}

# 1. kill -9 between submission and storing the Slurm job id.
install_slow_sbatch "$WORK/slow"
PATH="$WORK/slow:$PATH" start_service "${FLAGS[@]}" --slurm-timeout 120
PORTS[main]=${BASE##*:}
call POST /workflows -d @data/hello-workflow.post.json >/dev/null
expect_status 201 "create hello-workflow"
create_workflow sleep8 sleep8
create_workflow echo echo
id=$(start_job hello-workflow '["once"]')
wait_until "sbatch through the wrapper" 60 test -s "$WORK/slow/submitted"
stop_service KILL
kill_slow_sbatch "$WORK/slow"
pass "kill -9 of the service after sbatch submitted $id's first task, before it answered"
start_service "${FLAGS[@]}" --slurm-timeout 5
check "restarted on the same port ${PORTS[main]}" [ "${BASE##*:}" = "${PORTS[main]}" ]
wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
job_json "$id" "$WORK/job.json"
check_jq "the job SUCCEEDED after the restart, each task with exitCode 0" "$WORK/job.json" \
  '.status == "SUCCEEDED" and ([.tasks[] | .status + "/" + (.exitCode | tostring)] ==
                               ["SUCCEEDED/0", "SUCCEEDED/0", "SUCCEEDED/0"])'
for i in 0 1 2; do
  expect_one_slurm_job "$id-$i-1" "$(jq -r ".tasks[$i].id" "$WORK/job.json")" "after the kill -9"
done
all=$(sq -h -t all -o %j | grep -c "^$id-" || true)
check "Slurm ran 3 jobs for the job's 3 tasks (it knows $all)" [ "$all" = 3 ]
check "the restarted service adopted $id-0-1 by name (its log says so)" \
  grep -q "adopted $id-0-1 as job" "$WORK/main.log"

# 2. slurmctld stopped while a task runs.
id=$(start_job sleep8)
wait_job "$id" '.tasks[0].status == "RUNNING"'
task=$(call GET "/jobs/$id" | jq -r '.tasks[0].id')
stop_controller
pass "slurmctld stopped while Slurm job $task runs"
wait_until "GET /_health answering 503 naming Slurm" 60 health_says_slurm_away
pass "GET /_health: 503, $(jq -c .executor "$WORK/health.json")"
watch_until=$((SECONDS + 6))
while [ "$SECONDS" -lt "$watch_until" ]; do
  job_json "$id" "$WORK/job.json"
  jq -e '.status == "FAILED" or any(.tasks[]; .status == "FAILED")' "$WORK/job.json" >/dev/null && break
  sleep 0.2
done
check_jq "nothing FAILED while slurmctld is away (watched for 6 s)" "$WORK/job.json" \
  '.status == "RUNNING" and .tasks[0].status == "RUNNING"'
start_controller
pass "slurmctld started again"
wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
job_json "$id" "$WORK/job.json"
check_jq "the job SUCCEEDED, its task exitCode 0" "$WORK/job.json" \
  '.status == "SUCCEEDED" and .tasks[0].exitCode == 0'
check "Slurm job $task COMPLETED" [ "$(slurm_state "$task")" = COMPLETED ]
wait_until "GET /_health answering 200 again" 60 health_ok
pass "GET /_health answers 200 again"

# 3. slurmctld away when a job starts.
stop_controller
id=$(start_job echo)
wait_job "$id" '.tasks[0].status == "QUEUED" and (.tasks[0].statusReason // "" | length > 0)'
job_json "$id" "$WORK/job.json"
check_jq "the task waits QUEUED, its statusReason saying why: $(jq -r .tasks[0].statusReason "$WORK/job.json")" \
  "$WORK/job.json" '.tasks[0].statusReason | test("slurm|sbatch|controller"; "i")'
wait_until "GET /_health answering 503 naming Slurm" 60 health_says_slurm_away
pass "GET /_health: 503, $(jq -c .executor "$WORK/health.json")"
watch_until=$((SECONDS + 6))
while [ "$SECONDS" -lt "$watch_until" ]; do
  job_json "$id" "$WORK/job.json"
  jq -e '.tasks[0].status != "QUEUED"' "$WORK/job.json" >/dev/null && break
  sleep 0.2
done
check_jq "the task stays QUEUED while slurmctld is away (watched for 6 s)" "$WORK/job.json" \
  '(.status == "QUEUED" or .status == "RUNNING") and .tasks[0].status == "QUEUED"'
start_controller
pass "slurmctld started again"
wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
job_json "$id" "$WORK/job.json"
check_jq "the job SUCCEEDED once slurmctld was back" "$WORK/job.json" \
  '.status == "SUCCEEDED" and .tasks[0].exitCode == 0'
expect_one_slurm_job "$id-0-1" "$(jq -r .tasks[0].id "$WORK/job.json")" "after the outage"
wait_until "GET /_health answering 200 again" 60 health_ok
stop_service TERM

# 4. Jobs that Slurm forgets (MinJobAge 2) while the service is down.
start_cluster "$WORK/cluster-purge" 2
PORTS[main]=""
PFLAGS=("${FLAGS[@]}" --slurm-timeout 5 --store "sqlite:$WORK/purge.db" --slurm-work-dir "$WORK/out-purge")
start_service "${PFLAGS[@]}"
PORTS[main]=${BASE##*:}
create_workflow late-exit3 late-exit3
create_workflow long sleep
forgotten() { [ -z "$(slurm_state "$1")" ]; }

id=$(start_job late-exit3)
wait_job "$id" '.tasks[0].status == "RUNNING"'
task=$(call GET "/jobs/$id" | jq -r '.tasks[0].id')
stop_service KILL
pass "kill -9 of the service while Slurm job $task runs (it exits 3 after 2 s)"
wait_until "Slurm forgetting job $task" 90 forgotten "$task"
pass "Slurm forgot job $task ($(grep -c "^JobId=$task " "$SLURM_DIR/jobcomp.txt" || true) jobcomp line)"
check "its exit-status marker says 3" [ "$(cat "$WORK/out-purge/$task.exit" 2>/dev/null)" = 3 ]
start_service "${PFLAGS[@]}"
wait_job "$id" '.status == "FAILED" or .status == "SUCCEEDED"'
job_json "$id" "$WORK/job.json"
check_jq "the forgotten task got its real outcome: FAILED, exitCode 3, from the marker" "$WORK/job.json" \
  '.status == "FAILED" and .tasks[0].status == "FAILED" and .tasks[0].exitCode == 3 and
   (.tasks[0].statusReason | test("\\.exit"))'
echo "  statusReason: $(jq -r .tasks[0].statusReason "$WORK/job.json")"

stop_service TERM
start_service "${PFLAGS[@]}" --slurm-jobcomp-file "$SLURM_DIR/jobcomp.txt"
id=$(start_job long)
wait_job "$id" '.tasks[0].status == "RUNNING"'
task=$(call GET "/jobs/$id" | jq -r '.tasks[0].id')
stop_service KILL
timeout 15 scancel "$task" || fail "scancel $task"
pass "kill -9 of the service, then scancel of its running Slurm job $task"
wait_until "Slurm forgetting job $task" 90 forgotten "$task"
check "Slurm forgot job $task; jobcomp says CANCELLED, and no exit-status marker" \
  bash -c 'grep -q "^JobId=$1 .*JobState=CANCELLED" "$2" && [ ! -e "$3/$1.exit" ]' _ \
  "$task" "$SLURM_DIR/jobcomp.txt" "$WORK/out-purge"
start_service "${PFLAGS[@]}" --slurm-jobcomp-file "$SLURM_DIR/jobcomp.txt"
wait_job "$id" '.status != "RUNNING"'
job_json "$id" "$WORK/job.json"
check_jq "the task cancelled outside the service got Slurm.Cancelled from the jobcomp file" \
  "$WORK/job.json" '.status == "FAILED" and .tasks[0].status == "FAILED" and
                    (.tasks[0].statusReason | startswith("Slurm.Cancelled") and contains("jobcomp.txt"))'
echo "  statusReason: $(jq -r .tasks[0].statusReason "$WORK/job.json")"
stop_service TERM

# 5. sbatch answering after --slurm-timeout: its job exists, its id is lost to the service.
use_cluster "$WORK/cluster"
PORTS[main]=""
install_slow_sbatch "$WORK/slow"
PATH="$WORK/slow:$PATH" start_service "${FLAGS[@]}" --slurm-timeout 3
id=$(start_job echo)
wait_until "sbatch through the wrapper" 60 test -s "$WORK/slow/submitted"
wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
kill_slow_sbatch "$WORK/slow"
job_json "$id" "$WORK/job.json"
check_jq "the job SUCCEEDED although sbatch answered too late" "$WORK/job.json" '.status == "SUCCEEDED"'
expect_one_slurm_job "$id-0-1" "$(jq -r .tasks[0].id "$WORK/job.json")" "sbatch past --slurm-timeout"
stop_service TERM

finish
