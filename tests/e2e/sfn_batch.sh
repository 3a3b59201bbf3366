#!/usr/bin/env bash
# Step Functions tasks on AWS Batch, end to end: the real binary with --executor batch against
# fake-batch-server (SigV4-checked) on loopback, driven through the Step Functions API with curl.
# batch:submitJob.sync's result is the job's description; a failed job is States.TaskFailed with
# that description as Cause and can be caught; a Retry resubmits under a new attempt name; a
# SIGKILL between SubmitJob and storing its id ends in adoption, not a second submission;
# batch:submitJob without .sync returns {JobArn, JobId, JobName} at once.
# usage: sfn_batch.sh WORKFLOW_MANAGER_BINARY FAKE_BATCH_SERVER SOURCE_DIR
WFM_BIN=$1
FAKE_BIN=$2
SOURCE_DIR=$3
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"
export LC_ALL=C  # comm compares the sorted job names jq prints

cat >"$WORK/fake.json" <<'JSON'
{"outcomes": {"echo": {"runningMs": 20}, "fail": {"exitCode": 3}, "sleep": {"runningMs": 600000}},
 "jobDefinitions": [{"name": "echo", "revision": 1}, {"name": "fail", "revision": 1},
                    {"name": "sleep", "revision": 1}]}
JSON
start_fake_batch "$FAKE_BIN" "$WORK/fake.json"
# bug MESSAGE: records a failed check and goes on, so that one run shows every failing check of
# the last sections; the script fails at its end.
BUGS=0
bug() { echo "FAIL: $*" >&2; BUGS=$((BUGS + 1)); }
fake_stats() { curl -fs "$FAKE/_fake/stats"; }
fake_config() { curl -fs -XPOST "$FAKE/_fake/config" -d "$1" >/dev/null; }
# submit_count NAME: how many SubmitJob calls the fake saw for the job name NAME.
submit_count() { fake_stats | jq --arg n "$1" '.submitCounts[$n] // 0'; }
# submitted_names: the job names the fake saw, one per line, sorted.
submitted_names() { fake_stats | jq -r '.submitCounts | keys[]'; }

export AWS_ACCESS_KEY_ID=AKIDE2ETEST AWS_SECRET_ACCESS_KEY=e2e-secret-key-value
export AWS_SESSION_TOKEN=e2e-session-token-value AWS_EC2_METADATA_DISABLED=true
FLAGS=(--executor batch --batch-queue e2e-queue --aws-region eu-west-1 --batch-endpoint "$FAKE"
       --batch-poll-interval 0.05 --batch-runnable-warning 0 --wait-time-scale 0 --log-level debug)
PORTS[main]=0
start_service "${FLAGS[@]}"
PORTS[main]=${BASE##*:}  # restarts happen on the same port

# sfn OPERATION BODY: calls the Step Functions face of $BASE; prints the answer, fails on non-200.
sfn() {
  call POST / -H "X-Amz-Target: AWSStepFunctions.$1" -H 'Content-Type: application/x-amz-json-1.0' \
    -d "$2"
  [ "$(cat "$WORK/status")" = 200 ] || fail "$1 answered $(cat "$WORK/status"): $(cat "$WORK/body")"
}
# create_machine NAME DEFINITION: prints the new state machine's ARN.
create_machine() {
  sfn CreateStateMachine "$(jq -nc --arg n "$1" --arg d "$2" \
    '{name: $n, roleArn: "arn:aws:iam::123456789012:role/r", definition: $d}')" |
    jq -r .stateMachineArn
}
# start_execution MACHINE_ARN NAME INPUT: prints the execution's ARN.
start_execution() {
  sfn StartExecution "$(jq -nc --arg m "$1" --arg n "$2" --arg i "$3" \
    '{stateMachineArn: $m, name: $n, input: $i}')" | jq -r .executionArn
}
# describe EXECUTION_ARN: DescribeExecution's answer.
describe() { sfn DescribeExecution "$(jq -nc --arg e "$1" '{executionArn: $e}')"; }
# wait_execution EXECUTION_ARN: waits until it is no longer RUNNING (3 minutes at most); prints
# DescribeExecution's answer.
wait_execution() {
  local answer
  for _ in $(seq 1 9000); do
    answer=$(describe "$1")
    [ "$(echo "$answer" | jq -r .status)" != RUNNING ] && { echo "$answer"; return 0; }
    sleep 0.02
  done
  fail "execution $1 still RUNNING: $answer"
}
# history EXECUTION_ARN: every event of its history (one page of up to 1000).
history() {
  sfn GetExecutionHistory "$(jq -nc --arg e "$1" '{executionArn: $e, maxResults: 1000}')"
}
# event_types EXECUTION_ARN: the types of its history events, comma-separated, in order.
event_types() { history "$1" | jq -r '[.events[].type] | join(",")'; }
# event_count EXECUTION TYPE: how many events of TYPE its history has.
event_count() { history "$1" | jq --arg type "$2" '[.events[] | select(.type == $type)] | length'; }
# check_history_ids EXECUTION_ARN: ids run 1..n without gaps and every previousEventId points back.
check_history_ids() {
  history "$1" | jq -e '.events as $e | [range(0; $e | length)] |
      all(. as $i | $e[$i].id == $i + 1 and (($e[$i].previousEventId // 0) < $e[$i].id))' \
    >/dev/null || fail "history ids of $1 have gaps: $(history "$1" | jq -c '[.events[] | [.id, .previousEventId]]')"
}

# (1) submitJob.sync that succeeds: the output is the job's description.
SYNC_OK=$(jq -nc '{StartAt: "Run", States: {Run: {Type: "Task",
  Resource: "arn:aws:states:::batch:submitJob.sync",
  Parameters: {JobName: "ignored-name", JobDefinition: "echo", JobQueue: "e2e-queue",
               ContainerOverrides: {"Command.$": "$.command",
                                    Environment: [{Name: "GREETING", Value: "hello"}]}},
  End: true}}}')
machine=$(create_machine sync-ok "$SYNC_OK")
exec1=$(start_execution "$machine" one '{"command": ["echo", "hello"]}')
answer=$(wait_execution "$exec1")
[ "$(echo "$answer" | jq -r .status)" = SUCCEEDED ] || fail "submitJob.sync: $answer"
echo "$answer" | jq -r .output >"$WORK/out1.json"
jq -e '.Status == "SUCCEEDED" and (.JobId | test("^[0-9a-f-]{36}$")) and (.JobName | type == "string")
       and .Container.ExitCode == 0' "$WORK/out1.json" >/dev/null ||
  fail "submitJob.sync's output is not the job's description: $(cat "$WORK/out1.json")"
pass "submitJob.sync SUCCEEDED; its output is the job's description (Status, JobId, Container.ExitCode)"
job1=$(jq -r .JobName "$WORK/out1.json")
[ "$(submit_count "$job1")" = 1 ] || fail "SubmitJob count for $job1: $(fake_stats)"
pass "the fake saw exactly one SubmitJob for $job1"
[ "$(event_types "$exec1")" = \
  "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskSucceeded,TaskStateExited,ExecutionSucceeded" ] ||
  fail "history of a submitJob.sync: $(event_types "$exec1")"
history "$exec1" | jq -e '.events[] | select(.type == "TaskScheduled") | .taskScheduledEventDetails |
    .resourceType == "batch" and .resource == "submitJob.sync" and
    (.parameters | fromjson | .JobDefinition == "echo")' >/dev/null ||
  fail "TaskScheduled's details: $(history "$exec1" | jq -c '.events[2]')"
check_history_ids "$exec1"
pass "history: TaskScheduled (batch, submitJob.sync), TaskStarted, TaskSucceeded; ids without gaps"

# (2) A failing job caught on States.TaskFailed: the Catch path runs; Cause is the description.
CATCH=$(jq -nc '{StartAt: "Run", States: {
  Run: {Type: "Task", Resource: "arn:aws:states:::batch:submitJob.sync",
        Parameters: {JobName: "n", JobDefinition: "fail", JobQueue: "e2e-queue"},
        Catch: [{ErrorEquals: ["States.TaskFailed"], ResultPath: "$.error", Next: "Caught"}],
        End: true},
  Caught: {Type: "Pass", Parameters: {"caught.$": "$.error", "path": "catch"}, End: true}}}')
machine=$(create_machine catch-failed "$CATCH")
exec2=$(start_execution "$machine" two '{"keep": 1}')
answer=$(wait_execution "$exec2")
[ "$(echo "$answer" | jq -r .status)" = SUCCEEDED ] || fail "the caught failure: $answer"
echo "$answer" | jq -r .output >"$WORK/out2.json"
jq -e '.path == "catch" and .caught.Error == "States.TaskFailed"' "$WORK/out2.json" >/dev/null ||
  fail "the Catch path did not run with States.TaskFailed: $(cat "$WORK/out2.json")"
jq -r .caught.Cause "$WORK/out2.json" >"$WORK/cause2.json"
jq -e '.Status == "FAILED" and .Container.ExitCode == 3 and (.JobId | test("^[0-9a-f-]{36}$"))
       and .JobDefinition == "fail"' "$WORK/cause2.json" >/dev/null ||
  fail "the Cause is not the failed job's description: $(cat "$WORK/cause2.json")"
pass "a failed job is States.TaskFailed, caught; its Cause parses as the job's description (FAILED, exit 3)"
[ "$(submit_count "$(jq -r .JobName "$WORK/cause2.json")")" = 1 ] || fail "the failed job was submitted again"
types=$(event_types "$exec2")
[ "$types" = "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskFailed,TaskStateExited,PassStateEntered,PassStateExited,ExecutionSucceeded" ] ||
  fail "history of a caught failure: $types"
history "$exec2" | jq -e '.events[] | select(.type == "TaskFailed") | .taskFailedEventDetails |
    .error == "States.TaskFailed" and .resourceType == "batch" and (.cause | fromjson | .Status == "FAILED")' \
  >/dev/null || fail "TaskFailed's details: $(history "$exec2" | jq -c '.events[] | select(.type == "TaskFailed")')"
check_history_ids "$exec2"
pass "history: TaskFailed (States.TaskFailed, the description as cause), then the Catch's Pass state"

# (3) A Retry resubmits under a new attempt name. The job definition depends on the retry count
# (fail first, echo second), so the fake sees two SubmitJob calls with different job names.
RETRY=$(jq -nc '{StartAt: "Run", States: {Run: {Type: "Task",
  Resource: "arn:aws:states:::batch:submitJob.sync",
  Parameters: {JobName: "n", JobQueue: "e2e-queue",
               "JobDefinition.$": "States.ArrayGetItem($.definitions, $$.State.RetryCount)"},
  Retry: [{ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 1, MaxAttempts: 1}],
  End: true}}}')
machine=$(create_machine retry "$RETRY")
names_before=$(submitted_names)
exec3=$(start_execution "$machine" three '{"definitions": ["fail", "echo"]}')
answer=$(wait_execution "$exec3")
new_names=$(comm -13 <(echo "$names_before") <(submitted_names))
[ "$(echo "$new_names" | wc -l)" = 2 ] || fail "expected two new job names, the fake saw: $new_names"
for n in $new_names; do [ "$(submit_count "$n")" = 1 ] || fail "$n submitted $(submit_count "$n") times"; done
pass "the Retry resubmitted: two SubmitJob calls with different names ($(echo $new_names))"
[ "$(echo "$answer" | jq -r .status)" = SUCCEEDED ] || fail "the retried execution: $answer"
second=$(echo "$answer" | jq -r .output | jq -r .JobName)
echo "$new_names" | grep -qx "$second" || fail "the output's JobName $second is not one of the attempts"
echo "$answer" | jq -r .output | jq -e '.Status == "SUCCEEDED" and .JobDefinition == "echo"' >/dev/null ||
  fail "the execution did not end as the second attempt: $(echo "$answer" | jq -r .output)"
pass "the execution ended as the second attempt did (SUCCEEDED, JobName $second)"
types=$(event_types "$exec3")
[ "$types" = "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskFailed,TaskScheduled,TaskStarted,TaskSucceeded,TaskStateExited,ExecutionSucceeded" ] ||
  fail "history of a retried task: $types"
check_history_ids "$exec3"
pass "history: TaskFailed then a second TaskScheduled/TaskStarted/TaskSucceeded"

# Both attempts failing: the execution fails as the last attempt did.
names_before=$(submitted_names)
exec3b=$(start_execution "$machine" three-fails '{"definitions": ["fail", "fail"]}')
answer=$(wait_execution "$exec3b")
new_names=$(comm -13 <(echo "$names_before") <(submitted_names))
[ "$(echo "$new_names" | wc -l)" = 2 ] || fail "expected two new job names, the fake saw: $new_names"
echo "$answer" | jq -e '.status == "FAILED" and .error == "States.TaskFailed"' >/dev/null ||
  fail "an execution whose retries are spent: $answer"
last=$(echo "$answer" | jq -r .cause | jq -r .JobName)
first=$(history "$exec3b" | jq -r '[.events[] | select(.type == "TaskFailed")][0].taskFailedEventDetails.cause | fromjson | .JobName')
[ "$last" != "$first" ] && echo "$new_names" | grep -qx "$last" ||
  fail "the execution's cause is not the second attempt's job (first $first, cause $last)"
pass "retries spent: FAILED with States.TaskFailed and the second attempt's description as cause"

# (4) SIGKILL between SubmitJob and storing its id: the fake holds SubmitJob's answer back; the
# service is killed once the fake has the submission, restarted on the same port, and adopts the
# job (ListJobs by name) instead of submitting it again.
machine=$(create_machine crash "$SYNC_OK")
fake_config '{"submitDelayMs": 4000}'
names_before=$(submitted_names)
exec4=$(start_execution "$machine" four '{"command": ["echo", "crash"]}')
name=""
for _ in $(seq 1 500); do
  name=$(comm -13 <(echo "$names_before") <(submitted_names))
  [ -n "$name" ] && break
  sleep 0.01
done
[ -n "$name" ] || fail "the submission never reached the fake"
stop_service KILL
pass "SIGKILL while SubmitJob's answer for $name was on its way"
fake_config '{"submitDelayMs": 0}'
lists_before=$(fake_stats | jq '.calls.ListJobs // 0')
start_service "${FLAGS[@]}"
[ "${BASE##*:}" = "${PORTS[main]}" ] || fail "restarted on another port"
answer=$(wait_execution "$exec4")
[ "$(echo "$answer" | jq -r .status)" = SUCCEEDED ] || fail "the execution after the restart: $answer"
[ "$(submit_count "$name")" = 1 ] || fail "$name submitted $(submit_count "$name") times"
[ "$(comm -13 <(echo "$names_before") <(submitted_names))" = "$name" ] || fail "another job was submitted"
[ "$(fake_stats | jq '.calls.ListJobs // 0')" -gt "$lists_before" ] || fail "no ListJobs lookup"
echo "$answer" | jq -r .output | jq -e --arg n "$name" '.JobName == $n and .Status == "SUCCEEDED"' \
  >/dev/null || fail "the output is not the adopted job's description: $(echo "$answer" | jq -r .output)"
pass "after the restart the job was adopted (ListJobs), SubmitJob for $name stayed at 1, the execution SUCCEEDED"
types=$(event_types "$exec4")
[ "$(event_count "$exec4" TaskScheduled)" = 1 ] &&
  [ "$(event_count "$exec4" TaskSucceeded)" = 1 ] ||
  fail "history after the restart: $types"
check_history_ids "$exec4"
pass "history after the restart: one TaskScheduled, one TaskSucceeded, no gaps ($types)"

# StopExecution of a running submitJob.sync terminates the Batch job.
LONG=$(jq -nc '{StartAt: "Run", States: {Run: {Type: "Task",
  Resource: "arn:aws:states:::batch:submitJob.sync",
  Parameters: {JobName: "n", JobDefinition: "sleep", JobQueue: "e2e-queue"}, End: true}}}')
machine=$(create_machine long "$LONG")
stopped_before=$(fake_stats | jq '.terminated + .cancelled | length')
exec6=$(start_execution "$machine" six '{}')
for _ in $(seq 1 500); do
  history "$exec6" | jq -e '.events | any(.type == "TaskStarted")' >/dev/null && break
  sleep 0.02
done
sfn StopExecution "$(jq -nc --arg e "$exec6" '{executionArn: $e, error: "E", cause: "why"}')" >/dev/null
answer=$(wait_execution "$exec6")
echo "$answer" | jq -e '.status == "ABORTED" and .error == "E" and .cause == "why"' >/dev/null ||
  fail "StopExecution: $answer"
for _ in $(seq 1 500); do
  [ "$(fake_stats | jq '.terminated + .cancelled | length')" -gt "$stopped_before" ] && break
  sleep 0.02
done
[ "$(fake_stats | jq '.terminated + .cancelled | length')" -gt "$stopped_before" ] ||
  fail "StopExecution terminated no Batch job: $(fake_stats | jq -c '{terminated, cancelled}')"
pass "StopExecution of a running submitJob.sync: ABORTED (E, why) and the Batch job terminated"
for secret in e2e-secret-key-value e2e-session-token-value; do
  ! grep -q "$secret" "$WORK/main.log" || fail "a secret appears in the service's log"
done
pass "no secret in the service's log"

# (5) submitJob without .sync: {JobArn, JobId, JobName} at once, while the job still runs (last:
# the service answers the attempt's name as JobId, see the checks).
NO_SYNC=$(jq -nc '{StartAt: "Submit", States: {Submit: {Type: "Task",
  Resource: "arn:aws:states:::batch:submitJob",
  Parameters: {JobName: "n", JobDefinition: "sleep", JobQueue: "e2e-queue"}, End: true}}}')
machine=$(create_machine no-sync "$NO_SYNC")
exec5=$(start_execution "$machine" five '{}')
answer=$(wait_execution "$exec5")
[ "$(echo "$answer" | jq -r .status)" = SUCCEEDED ] || fail "submitJob: $answer"
echo "$answer" | jq -r .output >"$WORK/out5.json"
[ "$(submit_count "$(jq -r .JobName "$WORK/out5.json")")" = 1 ] || fail "submitJob: SubmitJob count"
if jq -e '(keys == ["JobArn", "JobId", "JobName"]) and (.JobId | test("^[0-9a-f-]{36}$"))' \
  "$WORK/out5.json" >/dev/null; then
  pass "submitJob returns {JobArn, JobId, JobName} while the job still runs"
else
  bug "submitJob's JobId is not the Batch job's id: $(cat "$WORK/out5.json")"
fi
# The job lives in the Batch region (--aws-region eu-west-1), not the Step Functions region of
# the ARNs (--region): its ARN is the one SubmitJob answered, as the .sync description shows it.
if jq -e '.JobArn == "arn:aws:batch:eu-west-1:123456789012:job/" + .JobId' "$WORK/out5.json" >/dev/null; then
  pass "submitJob's JobArn is the Batch job's ARN"
else
  bug "submitJob's JobArn is not the Batch job's ARN ($(jq -r .JobArn "$WORK/out1.json") for a .sync job): $(cat "$WORK/out5.json")"
fi
types=$(event_types "$exec5")
[ "$(event_count "$exec5" TaskSucceeded)" = 1 ] ||
  fail "history of submitJob: $types"
check_history_ids "$exec5"
pass "history of submitJob: $types"


# (6) submitJob that Batch refuses (a job definition it does not have): the task fails, as in
# AWS (there the error is Batch.ClientException), instead of succeeding with a job that never was.
SUBMIT_ANY=$(jq -nc '{StartAt: "Submit", States: {Submit: {Type: "Task",
  Resource: "arn:aws:states:::batch:submitJob",
  Parameters: {JobName: "n", "JobDefinition.$": "$.definition", JobQueue: "e2e-queue"}, End: true}}}')
machine=$(create_machine submit-any "$SUBMIT_ANY")
exec7=$(start_execution "$machine" refused '{"definition": "no-such-definition"}')
answer=$(wait_execution "$exec7")
if echo "$answer" | jq -e '.status == "FAILED" and (.error | type == "string" and length > 0)' >/dev/null; then
  pass "submitJob refused by Batch fails the execution ($(echo "$answer" | jq -r .error))"
else
  bug "submitJob refused by Batch (no such job definition) did not fail the task: $(echo "$answer" | jq -c '{status, output, error}')"
fi

# (7) SIGKILL while submitJob's SubmitJob is throttled: after the restart the job is submitted
# (exactly once); the execution must not report a job that Batch never got.
fake_config '{"faults": {"throttleRate": 1.0}}'
exec8=$(start_execution "$machine" throttled '{"definition": "echo"}')
sleep 0.5  # a few throttled SubmitJob calls (the fake does not count them)
stop_service KILL
fake_config '{"faults": {}}'
start_service "${FLAGS[@]}"
answer=$(wait_execution "$exec8")
name8=$(echo "$answer" | jq -r '.output // "{}"' | jq -r '.JobName // empty')
[ -n "$name8" ] || name8=$(history "$exec8" | jq -r '.events[] | select(.type == "TaskSucceeded") |
  .taskSucceededEventDetails.output | fromjson | .JobName')
for _ in $(seq 1 100); do [ "$(submit_count "$name8")" -ge 1 ] && break; sleep 0.05; done
if [ "$(submit_count "$name8")" = 1 ]; then
  pass "a submitJob throttled across a SIGKILL was submitted once after the restart"
else
  bug "submitJob throttled across a SIGKILL: the execution is $(echo "$answer" | jq -r .status) with $(echo "$answer" | jq -r .output) but the fake saw $(submit_count "$name8") SubmitJob for $name8: $(fake_stats | jq -c '{submitCounts, calls}')"
fi

stop_service TERM
[ "$BUGS" = 0 ] || fail "$BUGS check(s) failed above"
echo "$CHECKS passed, 0 failed"
