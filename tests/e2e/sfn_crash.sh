#!/usr/bin/env bash
# Crash test of Step Functions executions on SQLite: 200 executions of a state machine with a
# Parallel of 2 branches, a Map of 20 items (MaxConcurrency 5) whose task fails on its first
# attempt and is retried, and a 2-second Wait (tests/e2e/sfn_crash/machine.json); the service is
# killed (SIGKILL) 5 times while they run, spread over the run, and restarted each time on the same
# port with the same data directory. Then: every execution SUCCEEDED with the output it must have,
# every task attempt (execution, state, item index, retry count) ran exactly once (each appends a
# marker line: tests/e2e/sfn_crash/mark.sh), and every history has ids 1..N without gaps, each
# previousEventId below its id, one ExecutionStarted and one ExecutionSucceeded.
# usage: sfn_crash.sh WORKFLOW_MANAGER_BINARY SOURCE_DIR   (EXECUTIONS and KILLS may be set)
# 200 executions are 8,600 task attempts; the run time is set by how fast the service starts them.
WFM_BIN=$1
SOURCE_DIR=$(cd "$2" && pwd)
source "$SOURCE_DIR/tests/e2e/lib.sh"

EXECUTIONS=${EXECUTIONS:-200}
KILLS=${KILLS:-5}
ITEMS=20
export SFN_CRASH_FUNCTIONS=$SOURCE_DIR/tests/e2e/sfn_crash
export SFN_CRASH_MARKERS=$WORK/markers
mkdir -p "$SFN_CRASH_MARKERS"
: >"$SFN_CRASH_MARKERS/markers"
FLAGS=(--job-definitions "$SFN_CRASH_FUNCTIONS/job-definitions.json"
       --task-env-pass SFN_CRASH_FUNCTIONS --task-env-pass SFN_CRASH_MARKERS
       --wait-time-scale 1 --max-parallel 32)
# Task attempts of one execution: Left, Right, Work twice per item (the first fails), Done.
ATTEMPTS_PER_EXECUTION=$((2 + 2 * ITEMS + 1))
TOTAL_ATTEMPTS=$((EXECUTIONS * ATTEMPTS_PER_EXECUTION))

# sfn OPERATION BODY: calls the Step Functions API of $BASE; the body goes to stdout, the HTTP
# status to $WORK/status.
sfn() {
  call POST / -H "X-Amz-Target: AWSStepFunctions.$1" \
    -H 'Content-Type: application/x-amz-json-1.0' -d "$2"
}
# sfn_ok OPERATION BODY: as sfn, and the call must answer 200.
sfn_ok() {
  sfn "$@"
  [ "$(cat "$WORK/status")" = 200 ] || fail "$1 $2: HTTP $(cat "$WORK/status"): $(cat "$WORK/body")"
}
# sfn_many OPERATION DIR: one curl process sends every request body DIR/*.req of the operation
# (10 at a time) and writes each answer to DIR/*.out; every answer must be HTTP 200. (One process
# rather than one curl per request: this runs thousands of calls on a busy machine.)
sfn_many() {
  local operation=$1 dir=$2 req
  : >"$dir/curl.cfg"
  for req in "$dir"/*.req; do
    [ -s "$dir/curl.cfg" ] && echo next >>"$dir/curl.cfg"
    printf '%s\n' "url = \"$BASE/\"" 'request = "POST"' 'write-out = "%{http_code}\n"' \
      "header = \"X-Amz-Target: AWSStepFunctions.$operation\"" \
      'header = "Content-Type: application/x-amz-json-1.0"' \
      "data = \"@$req\"" "output = \"${req%.req}.out\"" >>"$dir/curl.cfg"
  done
  curl -s --no-progress-meter --parallel --parallel-max 10 -K "$dir/curl.cfg" >"$dir/codes" || true
  [ "$(grep -cvx 200 "$dir/codes")" -eq 0 ] && [ "$(wc -l <"$dir/codes")" -gt 0 ] ||
    fail "$operation: answers other than HTTP 200: $(sort "$dir/codes" | uniq -c | tr '\n' ' ')"
}
markers() { wc -l <"$SFN_CRASH_MARKERS/markers"; }

start_service "${FLAGS[@]}"
PORTS[main]=${BASE##*:}
sfn_ok CreateStateMachine "$(jq -cn --rawfile d "$SFN_CRASH_FUNCTIONS/machine.json" \
  '{name: "crash", roleArn: "arn:aws:iam::123456789012:role/r", definition: $d}')" >/dev/null
MACHINE=$(jq -r .stateMachineArn "$WORK/body")
EXECUTION_PREFIX=${MACHINE/:stateMachine:/:execution:}
pass "created the state machine"

# The executions e-1..e-N: their inputs, and the outputs they must end with.
mkdir -p "$WORK/start" "$WORK/describe"
jq -cn --argjson count "$EXECUTIONS" --argjson items "$ITEMS" '
  range(1; $count + 1) as $n | {n: $n, items: [range($items) | $n * 100 + .]}' >"$WORK/inputs"
jq -c '. + {
  branches: [{state: "Left", retry: 0, echo: {n}}, {state: "Right", retry: 0, echo: {n}}],
  results: [.items | to_entries[] | {state: "Work", retry: 1, echo: {index: .key, value: .value}}],
  done: {state: "Done", retry: 0, echo: {n}}}' "$WORK/inputs" >"$WORK/expected-outputs"
jq -r --arg m "$MACHINE" --arg prefix "$EXECUTION_PREFIX" '"\(.n)\t"
  + ({stateMachineArn: $m, name: "e-\(.n)", input: tojson} | tojson) + "\t"
  + ({executionArn: "\($prefix):e-\(.n)"} | tojson)' \
  "$WORK/inputs" | while IFS=$'\t' read -r n start describe; do
    printf '%s' "$start" >"$WORK/start/$(printf %05d "$n").req"
    printf '%s' "$describe" >"$WORK/describe/$(printf %05d "$n").req"
  done
sfn_many StartExecution "$WORK/start"
pass "started $EXECUTIONS executions"

# Kill k lands once k/(KILLS+1) of all task attempts have begun: spread over the whole run.
for k in $(seq 1 "$KILLS"); do
  threshold=$((TOTAL_ATTEMPTS * k / (KILLS + 1)))
  for _ in $(seq 1 6000); do
    [ "$(markers)" -ge "$threshold" ] && break
    sleep 0.05
  done
  [ "$(markers)" -ge "$threshold" ] || fail "only $(markers) of $threshold task attempts began"
  stop_service KILL
  pass "SIGKILL $k of the service after $(markers) task attempts"
  start_service "${FLAGS[@]}"
done

LIST_RUNNING=$(jq -cn --arg m "$MACHINE" '{stateMachineArn: $m, statusFilter: "RUNNING", maxResults: 1}')
for _ in $(seq 1 3000); do
  [ "$(sfn_ok ListExecutions "$LIST_RUNNING" | jq '.executions | length')" -eq 0 ] && break
  sleep 0.1
done
[ "$(sfn_ok ListExecutions "$LIST_RUNNING" | jq '.executions | length')" -eq 0 ] ||
  fail "executions still running: $(markers) of $TOTAL_ATTEMPTS task attempts began"
pass "no execution is running any more"

# Every execution SUCCEEDED with its output.
sfn_many DescribeExecution "$WORK/describe"
wrong=$(jq -n --slurpfile want "$WORK/expected-outputs" '
  [inputs] | to_entries | map(select(.value.status != "SUCCEEDED"
    or (.value.output | fromjson) != $want[.key]) | .value | {name, status, error, cause, output})' \
  "$WORK/describe"/*.out)
[ "$(jq length <<<"$wrong")" -eq 0 ] || fail "executions did not succeed with their output: $wrong"
pass "all $EXECUTIONS executions SUCCEEDED with the output they must have"

# Every task attempt ran exactly once.
for n in $(seq 1 "$EXECUTIONS"); do
  echo "e-$n/Left/-/0"; echo "e-$n/Right/-/0"; echo "e-$n/Done/-/0"
  for i in $(seq 0 $((ITEMS - 1))); do echo "e-$n/Work/$i/0"; echo "e-$n/Work/$i/1"; done
done | sort >"$WORK/expected-markers"
sort "$SFN_CRASH_MARKERS/markers" >"$WORK/sorted-markers"
duplicates=$(uniq -d "$WORK/sorted-markers" | wc -l)
missing=$(comm -23 "$WORK/expected-markers" <(sort -u "$WORK/sorted-markers") | wc -l)
unexpected=$(comm -13 "$WORK/expected-markers" <(sort -u "$WORK/sorted-markers") | wc -l)
echo "checked: executions=$EXECUTIONS tasks=$(wc -l <"$WORK/expected-markers") kills=$KILLS" \
  "duplicates=$duplicates missing=$missing unexpected=$unexpected"
if [ "$duplicates" -ne 0 ] || [ "$missing" -ne 0 ] || [ "$unexpected" -ne 0 ]; then
  echo "duplicated:" >&2; uniq -d "$WORK/sorted-markers" | head -n 20 >&2
  echo "missing:" >&2; comm -23 "$WORK/expected-markers" <(sort -u "$WORK/sorted-markers") | head -n 20 >&2
  fail "a task attempt ran twice, never, or unexpectedly"
fi
pass "every task attempt ran exactly once"

# Every history, read in pages, has ids 1..N, previousEventId < id, one ExecutionStarted and one
# ExecutionSucceeded.
# Pages of 100 events: round r asks every execution whose page r-1 had a nextToken.
jq -r --arg prefix "$EXECUTION_PREFIX" \
  '"\(.n)\t" + ({executionArn: "\($prefix):e-\(.n)", maxResults: 100} | tojson)' "$WORK/inputs" \
  >"$WORK/history-requests"
round=0
while [ -s "$WORK/history-requests" ]; do
  round=$((round + 1))
  mkdir -p "$WORK/history-$round"
  while IFS=$'\t' read -r n body; do
    printf '%s' "$body" >"$WORK/history-$round/$(printf %05d "$n").req"
  done <"$WORK/history-requests"
  sfn_many GetExecutionHistory "$WORK/history-$round"
  jq -r --arg prefix "$EXECUTION_PREFIX" 'select(.nextToken)
    | (input_filename | capture("/(?<n>[0-9]+)\\.out$").n | tonumber) as $n
    | "\($n)\t" + ({executionArn: "\($prefix):e-\($n)", maxResults: 100, nextToken} | tojson)' \
    "$WORK/history-$round"/*.out >"$WORK/history-requests"
  [ "$round" -lt 100 ] || fail "GetExecutionHistory never stops giving a nextToken"
done
bad=$(jq -c '{page: input_filename, events}' "$WORK"/history-*/*.out |
  jq -sc 'group_by(.page | capture("/(?<n>[0-9]+)\\.out$").n)
    | map({execution: (.[0].page | capture("/(?<n>[0-9]+)\\.out$").n),
           events: (sort_by(.page | capture("history-(?<r>[0-9]+)/").r | tonumber)
                    | map(.events[]))})
    | map(select(((.events | map(.id)) == [range(1; (.events | length) + 1)]
        and all(.events[]; (.previousEventId // 0) < .id)
        and (.events | map(select(.type == "ExecutionStarted")) | length) == 1
        and (.events | map(select(.type == "ExecutionSucceeded")) | length) == 1
        and .events[0].type == "ExecutionStarted" and .events[-1].type == "ExecutionSucceeded")
        | not)
      | {execution, events: (.events | map([.id, .previousEventId, .type]))})')
[ "$(jq length <<<"$bad")" -eq 0 ] || fail "histories with gaps or wrong events: ${bad:0:3000}"
pass "every history has ids 1..N without gaps, one ExecutionStarted and one ExecutionSucceeded"

stop_service TERM
echo "sfn crash: executions=$EXECUTIONS tasks=$TOTAL_ATTEMPTS kills=$KILLS duplicates=0 missing=0;" \
  "$CHECKS checks passed, 0 failed"
