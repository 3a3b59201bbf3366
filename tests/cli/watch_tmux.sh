#!/usr/bin/env bash
# `wfm job watch` on a terminal: run in a detached tmux session of 100x30 (a private tmux server),
# on jobs whose tasks wait for the test to open their gate. Checks the screens while the job runs
# and at its end (statuses change in place: same lines at the same rows, one frame on screen,
# nothing scrolled; coloured statuses; each task's job definition; the reason a job failed), the
# exit codes: 0 succeeded, 2 cancelled, 1 failed, and a narrow terminal (lines cut, not wrapped).
# Then `wfm exec start --watch` of a state machine (a Pass and a Wait). The final screens are
# written to SCREENS_DIR.
# usage: watch_tmux.sh WORKFLOW_MANAGER_BINARY WFM_BINARY SOURCE_DIR SCREENS_DIR
WFM_BIN=$1
WFM_CLI=$2
SOURCE_DIR=$3
SCREENS_DIR=$4
source "$SOURCE_DIR/tests/cli/lib.sh"
cd "$SOURCE_DIR"
mkdir -p "$SCREENS_DIR"
command -v tmux >/dev/null || fail "tmux is not installed (scripts/setup.sh installs it)"

TMUX_SOCKET="$WORK/tmux.sock"
printf 'set -g status off\n' >"$WORK/tmux.conf"
tmx() { tmux -S "$TMUX_SOCKET" -f "$WORK/tmux.conf" "$@"; }

# in_tmux SESSION ARGS...: runs `wfm ARGS` in a new session of $WIDTH (default 100) x 30 columns
# and lines; when it ends, its exit code
# is written to $WORK/SESSION.rc and the channel SESSION-done is signalled. The pane stays, as
# wfm left it, until the tmux server is killed (a dead pane would scroll it for its last words).
in_tmux() {
  local session=$1 command; shift
  command=$(printf '%q ' "$WFM_CLI" --server "$BASE" "$@")
  tmx new-session -d -s "$session" -x "${WIDTH:-100}" -y 30 \
    "$command; echo \$? >$WORK/$session.rc; tmux -S $TMUX_SOCKET wait-for -S $session-done; exec sleep 3600"
}

# screen SESSION: the pane's text without its trailing blank lines.
screen() { tmx capture-pane -p -t "$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

# wait_screen SESSION REGEX...: waits (3 minutes at most) until the screen has a line matching
# each extended REGEX; leaves the screen in $WORK/screen.
wait_screen() {
  local session=$1; shift
  for _ in $(seq 1 9000); do
    screen "$session" >"$WORK/screen"
    local all=1 regex
    for regex in "$@"; do grep -Eq "$regex" "$WORK/screen" || { all=0; break; }; done
    [ "$all" = 1 ] && return 0
    sleep 0.02
  done
  fail "the screen of $session never showed $*: $(cat "$WORK/screen")"
}

# wait_end SESSION: waits until wfm ended in SESSION; prints its exit code.
wait_end() {
  timeout 180 tmux -S "$TMUX_SOCKET" wait-for "$1-done" || fail "wfm in $1 did not end: $(screen "$1")"
  cat "$WORK/$1.rc"
}

# row SCREEN_FILE REGEX: the number of the line matching REGEX.
row() { grep -nE "$2" "$1" | head -n 1 | cut -d: -f1; }

# check_one_frame SESSION SCREEN_FILE LINES [FIRST_WORD]: the screen is one frame of LINES lines
# at the top of the pane (its first line begins with FIRST_WORD, default "Job:", and no other
# does), and nothing scrolled off it.
check_one_frame() {
  local first=${4:-Job:}
  [ "$(wc -l <"$2")" = "$3" ] || fail "$1: the screen has $(wc -l <"$2") lines, not $3: $(cat "$2")"
  [ "$(grep -c "^$first" "$2")" = 1 ] && [ "$(row "$2" "^$first")" = 1 ] ||
    fail "$1: not one frame at the top: $(cat "$2")"
  [ "$(tmx display-message -p -t "$1" '#{history_size}')" = 0 ] || fail "$1: lines scrolled off the pane"
}

write_cli_definitions
start_service --job-definitions "$WORK/defs.json"
cat >"$WORK/gated.json" <<'JSON'
{"name": "gated", "startAt": "a", "states": [
  {"name": "a", "type": "Task", "resource": "gate", "next": "b"},
  {"name": "b", "type": "Task", "resource": "gate", "next": "c"},
  {"name": "c", "type": "Task", "resource": "gate", "end": true}]}
JSON
jq '.name = "failing" | .states[1].resource = "fail"' data/hello-workflow.post.json >"$WORK/failing.json"
for workflow in gated failing; do
  wfm workflow create -f "$WORK/$workflow.json"; expect_ok "workflow create $workflow"
done

# --- a job that succeeds, watched while each of its states runs in turn
wfm job start gated -o json; expect_exit 0 "job start"
id=$(jq -r .id "$WORK/out")
in_tmux ok job watch "$id"
wait_screen ok '^a +RUNNING +1 ' '^b +WAITING_FOR_DEPS' '^c +WAITING_FOR_DEPS'
cp "$WORK/screen" "$WORK/running-a"
grep -q "^Job: *$id\$" "$WORK/running-a" && grep -q '^Workflow: *gated (revision 0)$' "$WORK/running-a" &&
  grep -q '^Status: *RUNNING$' "$WORK/running-a" && grep -q '^Elapsed: ' "$WORK/running-a" ||
  fail "the top of the screen: $(cat "$WORK/running-a")"
grep -q '^STATE  *STATUS  *ATTEMPT  *STARTED  *DURATION  *DEFINITION  *REASON$' "$WORK/running-a" ||
  fail "the table header: $(cat "$WORK/running-a")"
# The job definition of a submitted task; "-" for the tasks not submitted yet.
grep -Eq '^a +RUNNING +1 +[0-9-]+ [0-9:]+ +[0-9.a-z]+ +gate:1$' "$WORK/running-a" &&
  grep -Eq '^b +WAITING_FOR_DEPS +- +- +- +-$' "$WORK/running-a" || fail "the job definitions: $(cat "$WORK/running-a")"
lines=$(wc -l <"$WORK/running-a")
check_one_frame ok "$WORK/running-a" "$lines"
pass "watch: the job screen while state a runs"

open_gate "$id" a
wait_screen ok '^a +SUCCEEDED +1 .* gate:1$' '^b +RUNNING +1 .* gate:1$' '^c +WAITING_FOR_DEPS'
cp "$WORK/screen" "$WORK/running-b"
grep -q '^Status: *RUNNING$' "$WORK/running-b" || fail "the job is not RUNNING: $(cat "$WORK/running-b")"
check_one_frame ok "$WORK/running-b" "$lines"
for state in a b c; do
  [ "$(row "$WORK/running-a" "^$state ")" = "$(row "$WORK/running-b" "^$state ")" ] || fail "state $state moved"
done
pass "watch: a's status changed in place (SUCCEEDED), b RUNNING on its own row"

open_gate "$id" b
open_gate "$id" c
rc=$(wait_end ok)
screen ok >"$WORK/final"
cp "$WORK/final" "$SCREENS_DIR/wfm-job-watch.txt"
[ "$rc" = 0 ] || fail "watch of a job that succeeded exited $rc"
grep -q '^Status: *SUCCEEDED$' "$WORK/final" && grep -Eq '^a +SUCCEEDED' "$WORK/final" &&
  grep -Eq '^b +SUCCEEDED' "$WORK/final" && grep -Eq '^c +SUCCEEDED' "$WORK/final" ||
  fail "the final screen: $(cat "$WORK/final")"
check_one_frame ok "$WORK/final" "$lines"
[ "$(row "$WORK/final" '^c ')" = "$(row "$WORK/running-a" '^c ')" ] || fail "state c moved"
tmx capture-pane -p -e -t ok | grep -qF $'\e[32mSUCCEEDED' || fail "SUCCEEDED is not green"
pass "watch: the final screen says SUCCEEDED in place, in green; exit code 0"

# --- a job cancelled while it runs: exit code 2
wfm job start gated -o json; expect_exit 0 "job start"
id=$(jq -r .id "$WORK/out")
in_tmux cancelled job watch "$id"
wait_screen cancelled '^a +RUNNING'
tmx capture-pane -p -e -t cancelled | grep -qF $'\e[33mRUNNING' || fail "RUNNING is not yellow"
wfm job cancel "$id" --reason "stopped by the test"; expect_ok "job cancel"
rc=$(wait_end cancelled)
screen cancelled >"$WORK/final"
cp "$WORK/final" "$SCREENS_DIR/wfm-job-watch-cancelled.txt"
[ "$rc" = 2 ] || fail "watch of a cancelled job exited $rc"
grep -q '^Status: *CANCELLED' "$WORK/final" &&
  grep -Eq '^a +ABORTED_BY_USER .*stopped by the test$' "$WORK/final" &&
  grep -Eq '^c +ABORTED_BY_USER' "$WORK/final" || fail "the cancelled screen: $(cat "$WORK/final")"
check_one_frame cancelled "$WORK/final" "$lines"
tmx capture-pane -p -e -t cancelled | grep -qF $'\e[35mCANCELLED' || fail "CANCELLED is not magenta"
pass "watch: a cancelled job ends the watch with exit code 2"

# --- a job that fails, started with --watch: exit code 1
in_tmux failed job start failing --watch
rc=$(wait_end failed)
screen failed >"$WORK/final"
cp "$WORK/final" "$SCREENS_DIR/wfm-job-watch-failed.txt"
[ "$rc" = 1 ] || fail "watch of a failed job exited $rc: $(cat "$WORK/final")"
# The summary names the state that failed (the job's statusReason).
grep -qx "Status: *FAILED (state 'second-state' failed: exit code 3)" "$WORK/final" &&
  grep -Eq '^start-state +SUCCEEDED .* echo:1$' "$WORK/final" &&
  grep -Eq '^second-state +FAILED +1 .* fail:1 +exit code 3$' "$WORK/final" &&
  grep -Eq '^end-state +ABORTED_DEPS_FAILED +- +- +- +- +dependency' "$WORK/final" ||
  fail "the failed screen: $(cat "$WORK/final")"
check_one_frame failed "$WORK/final" 9
tmx capture-pane -p -e -t failed | grep -qF $'\e[31mFAILED' || fail "FAILED is not red"
pass "watch: job start --watch of a failing job ends with exit code 1"

# --- the same job on a terminal of 60 columns: every line cut to the width, none wrapped
failed_id=$(curl -fs "$BASE/jobs?workflowName=failing" | jq -r '.[0].id')
WIDTH=60 in_tmux narrow job watch "$failed_id"
rc=$(wait_end narrow)
screen narrow >"$WORK/final"
[ "$rc" = 1 ] || fail "watch of a failed job on a narrow terminal exited $rc: $(cat "$WORK/final")"
check_one_frame narrow "$WORK/final" 9
[ "$(awk '{ if (length($0) > max) max = length($0) } END { print max }' "$WORK/final")" = 60 ] ||
  fail "the lines are not cut at 60 columns: $(cat "$WORK/final")"
grep -Eq '^second-state +FAILED +1 ' "$WORK/final" || fail "the narrow screen: $(cat "$WORK/final")"
pass "watch: on a 60-column terminal the screen is cut to the width, one frame"

# --- a Step Functions execution, started with --watch
printf '{"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "W"}, "W": {"Type": "Wait", "Seconds": 1, "End": true}}}' >"$WORK/machine.json"
wfm sm create --name small --definition-file "$WORK/machine.json"; expect_ok "sm create"
in_tmux execution exec start small --name watched --watch
rc=$(wait_end execution)
screen execution >"$WORK/final"
cp "$WORK/final" "$SCREENS_DIR/wfm-exec-watch.txt"
[ "$rc" = 0 ] || fail "exec start --watch exited $rc: $(cat "$WORK/final")"
grep -q '^Execution: *arn:aws:states:.*:execution:small:watched$' "$WORK/final" &&
  grep -q '^Status: *SUCCEEDED$' "$WORK/final" && grep -Eq '^P +Pass +SUCCEEDED ' "$WORK/final" &&
  grep -Eq '^W +Wait +SUCCEEDED ' "$WORK/final" || fail "the execution screen: $(cat "$WORK/final")"
check_one_frame execution "$WORK/final" 8 Execution:
pass "watch: exec start --watch shows the states visited, ends with exit code 0"

stop_service
echo "watch tmux: $CHECKS checks passed; screens in $SCREENS_DIR"
