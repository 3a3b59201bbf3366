#!/usr/bin/env bash
# The service on a real Slurm (a private cluster under $WORK, tests/slurm/cluster.sh), end to end,
# three instances at once, each with its own store and Slurm work directory: through Slurm's
# command-line tools, through slurmrestd with its JWT from --slurm-token-file, and from SLURM_JWT.
# On each: the hello workflow SUCCEEDED (each task's exit code 0, job definition, Slurm job id and
# node; a Slurm job COMPLETED per task); GET .../log returns each task's output; data with shell
# metacharacters, newlines and non-ASCII reaching the task intact, and so do a job definition's
# arguments and environment; a command exiting 3 fails the task (exitCode 3, statusReason naming
# it); DELETE /jobs/{id} of a running `sleep 300` leaves the job CANCELLED and its Slurm job
# CANCELLED. Through the tools and slurmrestd (token file): Slurm's time limit, from
# slurmProperties.timeLimitMinutes and from timeout.attemptDurationSeconds, ends a `sleep 300` with
# a statusReason starting "Slurm.Timeout" (Slurm enforces it within ~30 s after the minute).
# Needs root and Slurm's packages (skipped, exit 77, without them).
# usage: slurm.sh WFM_BIN SOURCE_DIR
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
source "$SOURCE_DIR/tests/e2e/slurm/lib.sh"
cd "$SOURCE_DIR"

start_cluster "$WORK/cluster"
jq -s '{jobDefinitions: (.[0].jobDefinitions + .[1].jobDefinitions)}' data/job-definitions.json \
  tests/e2e/slurm/job-definitions.json >"$WORK/defs.json"
printf '%s\n' "$TOKEN" >"$WORK/token"
FLAGS=(--executor slurm --job-definitions "$WORK/defs.json" --slurm-poll-interval 0.2
       --slurm-timeout 5)
INSTANCES=(cli rest-file rest-env)
start_instance cli "${FLAGS[@]}" --store "sqlite:$WORK/cli.db" --slurm-work-dir "$WORK/out-cli"
start_instance rest-file "${FLAGS[@]}" --store "sqlite:$WORK/rest-file.db" \
  --slurm-work-dir "$WORK/out-rest-file" --slurm-url "$SLURM_REST_URL" --slurm-token-file "$WORK/token"
SLURM_JWT=$TOKEN start_instance rest-env "${FLAGS[@]}" --store "sqlite:$WORK/rest-env.db" \
  --slurm-work-dir "$WORK/out-rest-env" --slurm-url "$SLURM_REST_URL"
pass "three services on Slurm: its tools, slurmrestd with a token file, slurmrestd with SLURM_JWT"

data='["$(touch '"$WORK"'/pwned)", "`touch '"$WORK"'/pwned2`", "; rm -rf / && echo \"hi\" | cat > x", "*", "'"'"'q'"'"'", "line1\nline2\ttab", "€ é ✓ 日本", "100% %j %%", "$HOME", "\\"]'
declare -A HELLO META ARGS FAIL LONG LIMIT ATTEMPT
is_cancelled() { [ "$(slurm_state "$1")" = CANCELLED ]; }
for inst in "${INSTANCES[@]}"; do
  BASE=${URLS[$inst]}
  if [ "$inst" != rest-env ]; then  # the longest checks, started first, on both clients
    create_workflow time-limit time-limit
    create_workflow attempt-timeout attempt-timeout
    LIMIT[$inst]=$(start_job time-limit)
    ATTEMPT[$inst]=$(start_job attempt-timeout)
  fi
  call POST /workflows -d @data/hello-workflow.post.json >/dev/null
  expect_status 201 "$inst: create hello-workflow"
  create_workflow args args
  create_workflow exit3 exit3
  create_workflow long sleep
  HELLO[$inst]=$(start_job hello-workflow '["arg1", "arg2", "arg3"]')
  create_workflow save-start save-start
  META[$inst]=$(start_job save-start "$data")
  ARGS[$inst]=$(start_job args)
  FAIL[$inst]=$(start_job exit3)
  LONG[$inst]=$(start_job long)
done

for inst in "${INSTANCES[@]}"; do
  BASE=${URLS[$inst]}
  # The hello workflow.
  id=${HELLO[$inst]}
  wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
  job_json "$id" "$WORK/job.json"
  check_jq "$inst: hello job SUCCEEDED, every task SUCCEEDED with exitCode 0" "$WORK/job.json" \
    '.status == "SUCCEEDED" and ([.tasks[] | .status + "/" + (.exitCode | tostring)] ==
                                 ["SUCCEEDED/0", "SUCCEEDED/0", "SUCCEEDED/0"])'
  check_jq "$inst: tasks ran echo:1, echo-dependencies:1, echo:1" "$WORK/job.json" \
    '[.tasks[].jobDefinition] == ["echo:1", "echo-dependencies:1", "echo:1"]'
  check_jq "$inst: each task's id is its Slurm job id, its container the job and node" \
    "$WORK/job.json" 'all(.tasks[]; (.id | test("^[0-9]+$")) and .container == "slurm job \(.id) on localhost")'
  for task in $(jq -r '.tasks[].id' "$WORK/job.json"); do
    check "$inst: Slurm job $task COMPLETED" [ "$(slurm_state "$task")" = COMPLETED ]
  done
  first_task=$(jq -r '.tasks[0].id' "$WORK/job.json")
  log=$(call GET "/jobs/$id/tasks/start-state/log")
  check "$inst: GET .../start-state/log answers 200 (HTTP $(cat "$WORK/status"): $log)" \
    [ "$(cat "$WORK/status")" = 200 ]
  check "$inst: start-state's log is its output (_BATCH_START)" [ "$log" = '["arg1","arg2","arg3"]' ]
  log=$(call GET "/jobs/$id/tasks/second-state/log")
  check "$inst: second-state's log is its output (_BATCH_START, _BATCH_DEPENDENCIES)" \
    [ "$log" = "$(printf '["arg1","arg2","arg3"]\n%s' "$first_task")" ]
  ls "$WORK/out-$inst" >"$WORK/out-files.txt"
  check "$inst: the work directory holds <job id>.log and .exit files, no file named '%j.log' ($(tr '\n' ' ' <"$WORK/out-files.txt"))" \
    bash -c '[ -f "$1/$2.log" ] && [ -f "$1/$2.exit" ] && [ ! -e "$1/%j.log" ]' _ "$WORK/out-$inst" "$first_task"

  # Shell metacharacters, newlines and non-ASCII in the data, byte for byte (the task writes
  # _BATCH_START to <work dir>/<job id>.start).
  id=${META[$inst]}
  wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
  job_json "$id" "$WORK/job.json"
  check_jq "$inst: the job with metacharacters in its data SUCCEEDED" "$WORK/job.json" '.status == "SUCCEEDED"'
  check_jq "$inst: the task got the data intact" "$WORK/out-$inst/$id.start" '. == $want' --argjson want "$data"
  check "$inst: no shell ran the data" bash -c '[ ! -e "$1/pwned" ] && [ ! -e "$1/pwned2" ]' _ "$WORK"

  # A definition's arguments and environment, verbatim.
  id=${ARGS[$inst]}
  wait_job "$id" '.status == "SUCCEEDED" or .status == "FAILED"'
  job_json "$id" "$WORK/job.json"
  check_jq "$inst: the args job SUCCEEDED" "$WORK/job.json" '.status == "SUCCEEDED"'
  jq -j '.jobDefinitions[] | select(.jobDefinitionName == "args") | .containerProperties |
         .environment[0].value + (.command[4:] | map("|" + .) | join(""))' \
    tests/e2e/slurm/job-definitions.json >"$WORK/args.want"
  check "$inst: a definition's arguments and environment reached the command verbatim" \
    cmp "$WORK/args.want" "$WORK/out-$inst/$id.args"

  # A command that exits 3.
  id=${FAIL[$inst]}
  wait_job "$id" '.status == "FAILED" or .status == "SUCCEEDED"'
  job_json "$id" "$WORK/job.json"
  check_jq "$inst: exit 3 → job FAILED, task FAILED with exitCode 3 and a statusReason naming it" \
    "$WORK/job.json" '.status == "FAILED" and .tasks[0].status == "FAILED" and .tasks[0].exitCode == 3
                      and (.tasks[0].statusReason | test("exit code 3"))'
  task=$(jq -r '.tasks[0].id' "$WORK/job.json")
  check "$inst: Slurm job $task FAILED" [ "$(slurm_state "$task")" = FAILED ]
  log=$(call GET "/jobs/$id/tasks/s/log")
  check "$inst: the failed task's log holds its standard error (HTTP $(cat "$WORK/status"))" \
    [ "$log" = "failing on purpose" ]

  # DELETE /jobs/{id} while its task sleeps.
  id=${LONG[$inst]}
  wait_job "$id" '.tasks[0].status == "RUNNING"'
  task=$(call GET "/jobs/$id" | jq -r '.tasks[0].id')
  check "$inst: the sleeping task's Slurm job $task is RUNNING" [ "$(slurm_state "$task")" = RUNNING ]
  call DELETE "/jobs/$id" -d '{"reason": "stopped by the slurm e2e test"}' >/dev/null
  expect_status 200 "$inst: DELETE /jobs/{id} of a running job"
  wait_job "$id" '.status == "CANCELLED"'
  job_json "$id" "$WORK/job.json"
  check_jq "$inst: the job is CANCELLED, its task ABORTED_BY_USER with the reason" "$WORK/job.json" \
    '.tasks[0].status == "ABORTED_BY_USER" and .tasks[0].statusReason == "stopped by the slurm e2e test"'
  wait_until "$inst: Slurm job $task CANCELLED" 60 is_cancelled "$task"
  pass "$inst: Slurm job $task CANCELLED"
  sleep 0.5
  job_json "$id" "$WORK/job.json"
  check_jq "$inst: the job stays CANCELLED" "$WORK/job.json" '.status == "CANCELLED"'
done

# Slurm's time limit (each job started first above; Slurm checks limits every ~30 s).
for inst in cli rest-file; do
  BASE=${URLS[$inst]}
  for id in "${LIMIT[$inst]}" "${ATTEMPT[$inst]}"; do
    wait_job "$id" '.status == "FAILED" or .status == "SUCCEEDED"'
    job_json "$id" "$WORK/job.json"
    check_jq "$inst: the $(jq -r .workflow.name "$WORK/job.json") job, past its Slurm time limit FAILED, its task's statusReason starting Slurm.Timeout" \
      "$WORK/job.json" '.status == "FAILED" and .tasks[0].status == "FAILED" and
                        (.tasks[0].statusReason | startswith("Slurm.Timeout"))'
    task=$(jq -r '.tasks[0].id' "$WORK/job.json")
    check "$inst: Slurm job $task TIMEOUT" [ "$(slurm_state "$task")" = TIMEOUT ]
  done
done

for inst in "${INSTANCES[@]}"; do stop_instance "$inst" TERM; done
finish
