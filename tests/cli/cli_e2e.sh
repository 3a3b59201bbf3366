#!/usr/bin/env bash
# wfm against the real service on a free loopback port: workflows from JSON and YAML, jobs
# started, listed with filters (applied by the service), cancelled, their logs (followed too); the
# job definitions; every --output form read back (jq for JSON, an independent YAML parser for
# YAML); the errors a user can hit, each one line with its documented exit code (and the request's
# id when the service gives one); a Step Functions state machine (a Pass and a Wait) and its
# executions; --token; the bash completion.
# usage: cli_e2e.sh WORKFLOW_MANAGER_BINARY WFM_BINARY SOURCE_DIR
WFM_BIN=$1
WFM_CLI=$2
SOURCE_DIR=$3
source "$SOURCE_DIR/tests/cli/lib.sh"
cd "$SOURCE_DIR"

write_cli_definitions
start_service --job-definitions "$WORK/defs.json"

# --- workflows: created from JSON and from YAML, read back, updated, listed
wfm workflow create -f data/hello-workflow.post.json -o json; expect_ok "workflow create -f JSON"
out_jq '.name == "hello-workflow" and .revision == 0'

cat >"$WORK/mixed.yaml" <<'YAML'
# Two states; "decide" fails when the job's data holds "fail".
name: mixed
description: "succeeds or fails: as the data says"
startAt: first
states:
  - name: first
    type: Task
    comment: prints the data
    resource: echo:1
    next: decide
  - {name: decide, type: Task, resource: decide, end: true}
YAML
wfm workflow create -f "$WORK/mixed.yaml" -o json; expect_ok "workflow create -f YAML"
/usr/bin/python3 -c 'import json, sys
try:
    import yaml; load = yaml.safe_load
except ImportError:
    from ruamel.yaml import YAML; load = YAML(typ="safe").load
print(json.dumps(load(open(sys.argv[1]))))' "$WORK/mixed.yaml" >"$WORK/mixed.json"
jq -e --slurpfile sent "$WORK/mixed.json" \
  '.name == $sent[0].name and .description == $sent[0].description and .startAt == $sent[0].startAt and
   ([.states[] | {name, type, resource}] == [$sent[0].states[] | {name, type, resource}])' \
  "$WORK/out" >/dev/null || fail "the YAML workflow was not stored as its JSON: $(cat "$WORK/out")"
pass "the YAML workflow is stored as the same JSON"

sed 's/description: .*/description: "revision two"/' "$WORK/mixed.yaml" >"$WORK/mixed-2.yaml"
wfm workflow update -f "$WORK/mixed-2.yaml" -o json; expect_ok "workflow update"
out_jq '.revision == 1 and .description == "revision two"'

check_outputs "workflow get" workflow get mixed
jq -e '.revision == 1' "$WORK/json" >/dev/null || fail "workflow get: not the latest revision"
grep -q '^Name: *mixed$' "$WORK/table" && grep -q '^first  *echo:1  *decide  *prints the data$' "$WORK/table" ||
  fail "workflow get table: $(cat "$WORK/table")"
wfm workflow get mixed --revision 0 -o json; expect_ok "workflow get --revision 0"
out_jq '.revision == 0 and .description == "succeeds or fails: as the data says"'
check_outputs "workflow list" workflow list
jq -e '[.[].name] | sort == ["hello-workflow", "mixed"]' "$WORK/json" >/dev/null || fail "workflow list"
[ "$(head -n 1 "$WORK/table" | tr -s ' ')" = "NAME REVISION STATES CREATED DESCRIPTION" ] ||
  fail "workflow list header: $(head -n 1 "$WORK/table")"
check_outputs "workflow revisions" workflow revisions mixed
jq -e '[.[].revision] == [1, 0] and [.[].description] == ["revision two", "succeeds or fails: as the data says"]' \
  "$WORK/json" >/dev/null || fail "revisions newest first: $(cat "$WORK/json")"
grep -q '^mixed  *1  *2  .*revision two$' "$WORK/table" && grep -q '^mixed  *0  *2 ' "$WORK/table" ||
  fail "workflow revisions table: $(cat "$WORK/table")"
wfm workflow revisions nope; expect_error 1 "workflow 'nope' not found" "workflow revisions of an unknown workflow"

# --- jobs: started (and watched off a terminal), read, listed with filters
wfm job start hello-workflow --data '["arg1", "arg2"]' --watch
expect_ok "job start --watch (a job that succeeds)"
# Each task's line names its job definition (the state's resource "echo" is run as echo:1).
grep -qx 'start-state: SUCCEEDED (attempt 1, echo:1)' "$WORK/out" &&
  grep -qx 'second-state: SUCCEEDED (attempt 1, echo-dependencies:1)' "$WORK/out" &&
  grep -qx 'end-state: SUCCEEDED (attempt 1, echo:1)' "$WORK/out" && grep -qx 'job: SUCCEEDED' "$WORK/out" &&
  grep -q '^Status: *SUCCEEDED$' "$WORK/out" || fail "watch lines: $(cat "$WORK/out")"
hello=$(grep -o '^job [0-9a-f-]*' "$WORK/out" | head -n 1 | cut -d' ' -f2)
check_outputs "job get" job get "$hello"
jq -e '.status == "SUCCEEDED" and .data == ["arg1", "arg2"] and ([.tasks[].status] | unique) == ["SUCCEEDED"]' \
  "$WORK/json" >/dev/null || fail "job get json"
jq -e '[.tasks[].jobDefinition] == ["echo:1", "echo-dependencies:1", "echo:1"] and .statusReason == null' \
  "$WORK/json" >/dev/null || fail "job get json: the tasks' job definitions: $(cat "$WORK/json")"
grep -q '^STATE  *STATUS  *ATTEMPT  *STARTED  *DURATION  *DEFINITION  *REASON$' "$WORK/table" &&
  grep -q '^second-state  *SUCCEEDED  *1  .*  echo-dependencies:1$' "$WORK/table" &&
  grep -q '^end-state  *SUCCEEDED  *1  .*  echo:1$' "$WORK/table" || fail "job get table: $(cat "$WORK/table")"

# Six jobs of "mixed", oldest first: ok, fail, ok, fail, ok, ok (the two newest succeed).
ids=()
for data in ok fail ok fail ok ok; do
  wfm job start mixed --data "[\"$data\"]" -o json; expect_exit 0 "job start"
  ids+=("$(jq -r .id "$WORK/out")")
  wait_job "${ids[-1]}" '.status == "SUCCEEDED" or .status == "FAILED"'
done
pass "six jobs of mixed ran"
wfm job watch "${ids[1]}"; expect_exit 1 "job watch of a failed job exits 1"
# The job's reason names the state that failed, in the first line and in the summary.
grep -Eqx "job [0-9a-f-]+ of mixed \(revision 1\): FAILED: state 'decide' failed: exit code 3" "$WORK/out" &&
  grep -qx 'decide: FAILED (attempt 1, decide:1): exit code 3' "$WORK/out" &&
  grep -qx "Status: *FAILED (state 'decide' failed: exit code 3)" "$WORK/out" ||
  fail "watch of a failed job: $(cat "$WORK/out")"
pass "job watch of a failed job exits 1"

check_outputs "job list --workflow" job list --workflow mixed
jq -e --arg a "${ids[5]}" --arg b "${ids[0]}" 'length == 6 and .[0].id == $a and .[5].id == $b' \
  "$WORK/json" >/dev/null || fail "job list: not the six jobs newest first: $(cat "$WORK/json")"
[ "$(head -n 1 "$WORK/table" | tr -s ' ')" = "ID WORKFLOW STATUS CREATED DURATION" ] || fail "job list header"
grep -q "^${ids[1]}  *mixed:1  *FAILED " "$WORK/table" || fail "job list table: $(cat "$WORK/table")"
# The filters are the service's: every row listed with --status has that status, and --limit counts
# the matching jobs (the two newest jobs succeeded, the two failed ones are further on).
wfm job list --workflow mixed --status FAILED --limit 2 -o json; expect_ok "job list --status FAILED --limit 2"
jq -e --arg a "${ids[3]}" --arg b "${ids[1]}" '[.[].id] == [$a, $b] and all(.[]; .status == "FAILED")' \
  "$WORK/out" >/dev/null || fail "job list --status FAILED: $(cat "$WORK/out")"
wfm job list --workflow mixed --status FAILED; expect_ok "job list --status FAILED (table)"
[ "$(tail -n +2 "$WORK/out" | awk '{print $3}' | sort | uniq -c | tr -s ' ')" = " 2 FAILED" ] ||
  fail "job list --status FAILED table: $(cat "$WORK/out")"
wfm job list --workflow mixed --status succeeded -o json; expect_ok "job list --status (any case)"
jq -e 'length == 4 and all(.[]; .status == "SUCCEEDED")' "$WORK/out" >/dev/null || fail "--status succeeded"
wfm job list --workflow mixed --status RUNNING -o json; expect_ok "job list --status RUNNING (none)"
out_jq '. == []'
wfm job list --workflow nope; expect_error 1 "workflow 'nope' not found" "job list of an unknown workflow"
wfm job list --workflow mixed --limit 3 -o json; expect_ok "job list --limit 3"
jq -e --arg a "${ids[5]}" 'length == 3 and .[0].id == $a' "$WORK/out" >/dev/null || fail "--limit 3"
third=$(jq -r --arg id "${ids[2]}" '.[] | select(.id == $id) | .createdAt' "$WORK/json")
wfm job list --workflow mixed --since "$third" -o json; expect_ok "job list --since"
jq -e --arg a "${ids[2]}" 'length == 4 and .[-1].id == $a' "$WORK/out" >/dev/null || fail "--since: $(cat "$WORK/out")"
wfm job list --workflow mixed --until "$third" -o json; expect_ok "job list --until"
jq -e --arg a "${ids[1]}" --arg b "${ids[0]}" '[.[].id] == [$a, $b]' "$WORK/out" >/dev/null || fail "--until"
wfm job list --workflow mixed --since 1h --status FAILED -o json; expect_ok "job list --since 1h"
jq -e 'length == 2' "$WORK/out" >/dev/null || fail "--since 1h --status FAILED: $(cat "$WORK/out")"
wfm job list -o json; expect_ok "job list without --workflow"
jq -e --arg h "$hello" --arg a "${ids[5]}" 'length == 7 and .[0].id == $a and .[-1].id == $h' "$WORK/out" >/dev/null ||
  fail "every job, newest first: $(cat "$WORK/out")"
wfm job list --limit 3 -o json; expect_ok "job list --limit 3 without --workflow"
jq -e --arg a "${ids[5]}" --arg b "${ids[4]}" --arg c "${ids[3]}" '[.[].id] == [$a, $b, $c]' "$WORK/out" >/dev/null ||
  fail "--limit 3 of every job: $(cat "$WORK/out")"
wfm job list --status FAILED -o json; expect_ok "job list --status without --workflow"
jq -e --arg a "${ids[3]}" --arg b "${ids[1]}" '[.[].id] == [$a, $b] and all(.[]; .status == "FAILED")' \
  "$WORK/out" >/dev/null || fail "every failed job: $(cat "$WORK/out")"
wfm job list --status SUCCEEDED --until "$third" -o json; expect_ok "job list --status --until without --workflow"
jq -e --arg a "${ids[0]}" --arg h "$hello" '[.[].id] == [$a, $h]' "$WORK/out" >/dev/null ||
  fail "--status SUCCEEDED --until: $(cat "$WORK/out")"

# --- job definitions (GET /job-definitions), once the service lists them
if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/job-definitions")" = 404 ]; then
  wfm job-definition list; expect_error 1 "does not list job definitions yet" "job-definition list on a service without it"
  wfm jd list -o json; expect_error 1 "does not list job definitions yet" "jd list on a service without it"
else
  check_outputs "job-definition list" job-definition list
  # Every definition the service was started with, as defs.json has it.
  jq -e --slurpfile defs "$WORK/defs.json" '. as $listed | all($defs[0].jobDefinitions[];
      . as $d | any($listed[]; .jobDefinitionName == $d.jobDefinitionName and .revision == $d.revision and
                               .containerProperties.command == $d.containerProperties.command))' \
    "$WORK/json" >/dev/null || fail "job-definition list: not the service's definitions: $(cat "$WORK/json")"
  [ "$(head -n 1 "$WORK/table" | tr -s ' ')" = "NAME REVISION TYPE IMAGE COMMAND" ] || fail "job-definition list header"
  grep -q '^echo  *1  *container  *debian:bookworm-slim  *printenv _BATCH_START$' "$WORK/table" &&
    grep -q "^decide  *1  *container  *-  *sh -c 'case " "$WORK/table" || fail "job-definition list table: $(cat "$WORK/table")"
  wfm jd list; expect_ok "jd list (the alias)"
  cmp -s "$WORK/out" "$WORK/table" || fail "jd list is not job-definition list: $(cat "$WORK/out")"
fi

# --- logs
wfm job logs "$hello"; expect_ok "job logs (every state)"
[ "$(cat "$WORK/out")" = "$(printf '==> start-state <==\n["arg1","arg2"]\n\n==> second-state <==\n["arg1","arg2"]\n%s\n\n==> end-state <==\n["arg1","arg2"]\n' "$hello-0-1")" ] ||
  fail "job logs: $(cat "$WORK/out")"
wfm job logs "${ids[1]}" decide; expect_ok "job logs STATE"
[ "$(cat "$WORK/out")" = "no" ] || fail "job logs decide: $(cat "$WORK/out")"
wfm job logs "$hello" nope; expect_error 1 "no state 'nope'" "job logs of an unknown state"

cat >"$WORK/gated.json" <<'JSON'
{"name": "gated", "startAt": "a", "states": [
  {"name": "a", "type": "Task", "resource": "gate", "next": "b"},
  {"name": "b", "type": "Task", "resource": "gate", "end": true}]}
JSON
wfm workflow create -f "$WORK/gated.json"; expect_ok "workflow create (gated)"
wfm job start gated -o json; expect_exit 0 "job start gated"
gated=$(jq -r .id "$WORK/out")
"$WFM_CLI" --server "$BASE" job logs "$gated" --follow >"$WORK/follow" 2>&1 &
follow_pid=$!
for _ in $(seq 1 3000); do grep -q 'a waiting' "$WORK/follow" && break; sleep 0.02; done
grep -q 'a waiting' "$WORK/follow" || fail "logs --follow did not print the running task's output"
kill -0 "$follow_pid" || fail "logs --follow ended while the job runs"
open_gate "$gated" a
for _ in $(seq 1 3000); do grep -q 'b waiting' "$WORK/follow" && break; sleep 0.02; done
kill -0 "$follow_pid" || fail "logs --follow ended while the job runs"
open_gate "$gated" b
follow_rc=0; wait "$follow_pid" || follow_rc=$?
[ "$follow_rc" = 0 ] || fail "logs --follow exited $follow_rc"
[ "$(cat "$WORK/follow")" = "$(printf '==> a <==\na waiting\na done\n\n==> b <==\nb waiting\nb done')" ] ||
  fail "logs --follow printed: $(cat "$WORK/follow")"
pass "job logs --follow prints each task's output as it comes and ends with the job"

# --- cancel
wfm job start gated -o json; expect_exit 0 "job start gated"
gated=$(jq -r .id "$WORK/out")
wait_job "$gated" '.tasks[0].status == "RUNNING"'
wfm job cancel "$gated" --reason "why cancel a job" -o json; expect_ok "job cancel"
out_jq '.status == "CANCELLED" and ([.tasks[].status] | unique) == ["ABORTED_BY_USER"] and .tasks[0].statusReason == "why cancel a job"'
wfm job cancel "$gated" --reason again; expect_error 1 "finished" "cancelling a finished job"
wfm job watch "$gated"; expect_exit 2 "job watch of a cancelled job exits 2"
pass "job watch of a cancelled job exits 2"

# --- bad inputs: one line on stderr, the documented exit code
wfm job start nope; expect_error 1 "workflow 'nope' not found" "job start of an unknown workflow"
wfm workflow get nope; expect_error 1 "not found" "workflow get of an unknown workflow"
wfm job get no-such-job; expect_error 1 "not found" "job get of an unknown job"
# The error line names the request when the service gives it an id (X-Request-Id).
if curl -s -D - -o /dev/null "$BASE/jobs/no-such-job" | grep -qi '^x-request-id:'; then
  grep -Eqx "wfm: job 'no-such-job' not found \(request [^ )]+\)" "$WORK/err" || fail "no request id: $(cat "$WORK/err")"
  pass "the error line names the service's request id"
else
  grep -qx "wfm: job 'no-such-job' not found" "$WORK/err" || fail "job get of an unknown job: $(cat "$WORK/err")"
fi
wfm job watch no-such-job; expect_error 1 "not found" "job watch of an unknown job"
wfm job start mixed --data '["unclosed"'; expect_error 2 "--data is not valid JSON" "bad --data JSON"
wfm job start mixed --data-file "$WORK/missing.json"; expect_error 2 "cannot read $WORK/missing.json" "missing --data-file"
wfm workflow create -f "$WORK/missing.yaml"; expect_error 2 "cannot read $WORK/missing.yaml" "missing -f file"
printf 'name: broken\nstates: [a, b\n' >"$WORK/broken.yaml"
wfm workflow create -f "$WORK/broken.yaml"; expect_error 2 "$WORK/broken.yaml is not valid YAML: YAML line" "invalid YAML file"
printf '{"name": "x", "states": [}' >"$WORK/broken.json"
wfm workflow create -f "$WORK/broken.json"; expect_error 2 "$WORK/broken.json is not valid JSON" "invalid JSON file"
jq '.name = "invalid" | .startAt = "nowhere"' data/hello-workflow.post.json >"$WORK/invalid.json"
wfm workflow create -f "$WORK/invalid.json"; expect_error 1 "nowhere" "a workflow the service refuses"
wfm job list --bogus; expect_error 2 "--bogus" "an unknown flag"
wfm job list --status DONE; expect_error 2 "DONE" "an unknown --status"
wfm job list --since yesterday; expect_error 2 "--since 'yesterday'" "a bad --since"
wfm job cancel "$hello"; expect_error 2 "--reason" "cancel without --reason"
wfm frobnicate; expect_error 2 "frobnicate" "an unknown command"
"$WFM_CLI" --server http://127.0.0.1:1 job list >"$WORK/out" 2>"$WORK/err" && echo 0 >"$WORK/rc" || echo $? >"$WORK/rc"
expect_error 3 "cannot connect to the service at http://127.0.0.1:1" "server down"
grep -qF "WFM_SERVER" "$WORK/err" || fail "the connection error does not say how to choose the server"
WFM_SERVER=http://127.0.0.1:1 "$WFM_CLI" workflow list >"$WORK/out" 2>"$WORK/err" && echo 0 >"$WORK/rc" || echo $? >"$WORK/rc"
expect_error 3 "http://127.0.0.1:1" "WFM_SERVER chooses the server"
"$WFM_CLI" job --help >"$WORK/out"; grep -q "3  cannot connect to the service" "$WORK/out" || fail "--help documents the exit codes"
pass "--help documents the exit codes"

# --- Step Functions: a state machine of a Pass and a Wait, written in YAML
cat >"$WORK/machine.yaml" <<'YAML'
StartAt: P
States:
  P: {Type: Pass, Result: {greeting: hello}, ResultPath: $.pass, Next: W}
  W: {Type: Wait, Seconds: 1, End: true}
YAML
wfm sm create --name small --definition-file "$WORK/machine.yaml" -o json; expect_ok "sm create"
machine=$(jq -r .stateMachineArn "$WORK/out")
[[ $machine == arn:aws:states:*:stateMachine:small ]] || fail "sm create answered $machine"
check_outputs "sm list" sm list
jq -e --arg m "$machine" '[.[].stateMachineArn] == [$m]' "$WORK/json" >/dev/null || fail "sm list"
check_outputs "sm get NAME" sm get small
jq -e '.name == "small" and (.definition | fromjson | .States.W.Seconds) == 1' "$WORK/json" >/dev/null ||
  fail "sm get: $(cat "$WORK/json")"
wfm sm get "$machine" -o json; expect_ok "sm get ARN"
wfm sm get nope; expect_error 1 "no state machine is named 'nope'" "sm get of an unknown name"

wfm exec start small --name first --input '{"n": 1}' -o json; expect_ok "exec start"
execution=$(jq -r .executionArn "$WORK/out")
[[ $execution == *:execution:small:first ]] || fail "exec start answered $execution"
wfm exec watch "$execution"; expect_ok "exec watch (exit 0: SUCCEEDED)"
[ "$(grep -E '^(entered|exited|execution [A-Z_]+$)' "$WORK/out")" = "$(printf 'entered P (Pass)\nexited P\nentered W (Wait)\nexited W\nexecution SUCCEEDED')" ] ||
  fail "exec watch lines: $(cat "$WORK/out")"
check_outputs "exec get" exec get "$execution"
jq -e '.status == "SUCCEEDED" and (.output | fromjson) == {"n": 1, "pass": {"greeting": "hello"}}' \
  "$WORK/json" >/dev/null || fail "exec get: $(cat "$WORK/json")"
check_outputs "exec history" exec history "$execution"
jq -e '[.[].type] == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered",
                      "WaitStateExited", "ExecutionSucceeded"]' "$WORK/json" >/dev/null ||
  fail "exec history: $(cat "$WORK/json")"
grep -q '^3  *PassStateExited  *P ' "$WORK/table" || fail "exec history table: $(cat "$WORK/table")"
wfm exec redrive "$execution"; expect_error 1 "ExecutionNotRedrivable" "redrive of a succeeded execution"

# A long Wait, stopped with an error and a cause.
printf '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "W"}, "W": {"Type": "Wait", "Seconds": 600, "End": true}}}' >"$WORK/long.json"
wfm sm update small --definition-file "$WORK/long.json" -o json; expect_ok "sm update"
out_jq 'has("updateDate")'
wfm exec start "$machine" --name second -o json; expect_ok "exec start (ARN)"
second=$(jq -r .executionArn "$WORK/out")
wfm exec stop "$second" --error Ops.Stopped --cause "by the test" -o json; expect_ok "exec stop"
wfm exec get "$second" -o json; expect_ok "exec get (stopped)"
out_jq '.status == "ABORTED" and .error == "Ops.Stopped" and .cause == "by the test"'
wfm exec watch "$second"; expect_exit 2 "exec watch of an aborted execution exits 2"
pass "exec watch of an aborted execution exits 2"
check_outputs "exec list" exec list small
jq -e '[.[].name] == ["second", "first"]' "$WORK/json" >/dev/null || fail "exec list: $(cat "$WORK/json")"
wfm exec list small --status aborted -o json; expect_ok "exec list --status"
out_jq '[.[].name] == ["second"]'
wfm exec start small --input '{"unclosed":'; expect_error 2 "--input is not valid JSON" "bad --input JSON"
wfm exec get "arn:aws:states:us-east-1:123456789012:execution:small:none"; expect_error 1 "ExecutionDoesNotExist" "exec get of an unknown execution"
wfm sm delete small; expect_ok "sm delete"
wfm sm get small; expect_error 1 "no state machine is named 'small'" "a deleted state machine is gone"

# --- --token / WFM_TOKEN: a second instance that requires tokens
token=$("$WFM_BIN" token create --scope write --name cli --data-dir "$WORK/var" 2>/dev/null | tail -n 1)
[[ $token == wfm_* ]] || fail "token create printed $token"
stop_service
start_service --job-definitions "$WORK/defs.json" --auth required
wfm workflow list; expect_error 1 "" "no token where one is required"
wfm workflow list --token "$token" -o json; expect_ok "--token"
out_jq 'length == 3'
WFM_TOKEN=$token wfm job list --workflow mixed -o json; expect_ok "WFM_TOKEN"
out_jq 'length == 6'

# --- bash completion
completions() {  # completions WORDS...: what <TAB> after those words offers
  bash -c 'source <("$0" completion bash) || exit 1; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _wfm; echo "${COMPREPLY[*]}"' \
    "$WFM_CLI" "$@"
}
[ "$(completions wfm jo)" = "job job-definition" ] || fail "wfm jo<TAB>: $(completions wfm jo)"
[ "$(completions wfm job "")" = "start get list cancel logs watch" ] || fail "wfm job <TAB>: $(completions wfm job "")"
[ "$(completions wfm job l)" = "list logs" ] || fail "wfm job l<TAB>: $(completions wfm job l)"
[ "$(completions wfm job list --st)" = "--status" ] || fail "wfm job list --st<TAB>"
[ "$(completions wfm exec list small -o "")" = "table json yaml" ] || fail "-o <TAB>"
[ "$(completions wfm "")" = "workflow job job-definition jd sm exec completion" ] || fail "wfm <TAB>: $(completions wfm "")"
[ "$(completions wfm jd l)" = "list" ] || fail "wfm jd l<TAB>: $(completions wfm jd l)"
bash -c 'source <("$0" completion bash) && complete -p wfm' "$WFM_CLI" | grep -q -- '-F _wfm wfm' ||
  fail "the script does not register _wfm for wfm"
pass "bash completion: wfm jo<TAB> is job and job-definition, and the rest"

stop_service
echo "cli e2e: $CHECKS checks passed"
