# Helpers for the tests of wfm, on top of tests/e2e/lib.sh (sourced here: $WORK, start_service,
# fail, pass, ...). Expects WFM_BIN (the service), WFM_CLI (wfm) and SOURCE_DIR.

source "$SOURCE_DIR/tests/e2e/lib.sh"

# Gated tasks (job definition "gate"): each prints "<state> waiting", waits until the file
# $GATES/<job id>-<state> exists (or $GATES/all, or $GATES is gone), prints "<state> done".
GATES="$WORK/gates"
mkdir -p "$GATES"
open_every_gate() { touch "$GATES/all" 2>/dev/null || true; }
cli_cleanup() {
  open_every_gate
  [ -n "${TMUX_SOCKET:-}" ] && tmux -S "$TMUX_SOCKET" kill-server 2>/dev/null
  cleanup
}
trap cli_cleanup EXIT

# The shipped definitions (echo, fail, ...), "gate", and "decide", which fails (exit code 3, "no"
# on stderr) when the job's data holds "fail" and else prints "yes".
write_cli_definitions() {
  jq --arg gates "$GATES" '.jobDefinitions += [{
      "jobDefinitionName": "decide", "revision": 1, "type": "container",
      "containerProperties": {
        "command": ["sh", "-c", "case \"$_BATCH_START\" in *fail*) echo no >&2; exit 3;; esac; echo yes"]}
    }, {
      "jobDefinitionName": "gate", "revision": 1, "type": "container",
      "containerProperties": {
        "command": ["sh", "-c", "echo \"$WORKFLOW_MANAGER_STATE waiting\"; while [ -d \"$GATES\" ] && [ ! -e \"$GATES/all\" ] && [ ! -e \"$GATES/$WORKFLOW_MANAGER_JOB_ID-$WORKFLOW_MANAGER_STATE\" ]; do sleep 0.05; done; echo \"$WORKFLOW_MANAGER_STATE done\""],
        "environment": [{"name": "GATES", "value": $gates}]},
      "timeout": {"attemptDurationSeconds": 300}}]' \
    "$SOURCE_DIR/data/job-definitions.json" >"$WORK/defs.json"
}

# open_gate JOB_ID STATE: lets that task finish.
open_gate() { touch "$GATES/$1-$2"; }

# wfm ARGS...: runs wfm against $BASE; its stdout in $WORK/out, stderr in $WORK/err, exit code
# in $WORK/rc. Never fails itself.
wfm() {
  local rc=0
  "$WFM_CLI" --server "$BASE" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  echo "$rc" >"$WORK/rc"
}

# expect_exit CODE DESCRIPTION: the last wfm exited with CODE.
expect_exit() {
  local rc
  rc=$(cat "$WORK/rc")
  [ "$rc" = "$1" ] || fail "$2: expected exit $1, got $rc; stderr: $(cat "$WORK/err"); stdout: $(head -c 2000 "$WORK/out")"
}

# expect_ok DESCRIPTION: the last wfm exited 0 and wrote nothing on stderr.
expect_ok() {
  expect_exit 0 "$1"
  [ ! -s "$WORK/err" ] || fail "$1: stderr not empty: $(cat "$WORK/err")"
  pass "$1"
}

# expect_error CODE TEXT DESCRIPTION: the last wfm exited CODE with one line on stderr, "wfm: ..."
# containing TEXT, and nothing on stdout.
expect_error() {
  expect_exit "$1" "$3"
  [ "$(wc -l <"$WORK/err")" = 1 ] || fail "$3: stderr is not one line: $(cat "$WORK/err")"
  grep -q '^wfm: ' "$WORK/err" || fail "$3: stderr does not begin with 'wfm: ': $(cat "$WORK/err")"
  grep -qF -- "$2" "$WORK/err" || fail "$3: stderr does not say '$2': $(cat "$WORK/err")"
  [ ! -s "$WORK/out" ] || fail "$3: stdout not empty: $(cat "$WORK/out")"
  pass "$3 ($(cat "$WORK/err"))"
}

# out_jq FILTER: jq -e FILTER on the last wfm's stdout (fails the test when it does not hold).
out_jq() { jq -e "$1" "$WORK/out" >/dev/null || fail "stdout does not satisfy $1: $(head -c 3000 "$WORK/out")"; }

# same_yaml_and_json YAML_FILE JSON_FILE: an independent YAML parser (PyYAML, else ruamel.yaml,
# which Debian's awscli brings) reads YAML_FILE as the same value as JSON_FILE.
same_yaml_and_json() {
  /usr/bin/python3 - "$1" "$2" <<'PY' || fail "$1 is not the YAML of $2: $(head -c 3000 "$1")"
import json, sys
try:
    import yaml
    load = yaml.safe_load
except ImportError:
    from ruamel.yaml import YAML
    load = YAML(typ="safe").load
with open(sys.argv[1]) as y, open(sys.argv[2]) as j:
    sys.exit(0 if load(y) == json.load(j) else 1)
PY
}

# check_outputs DESCRIPTION ARGS...: `wfm ARGS -o json`, `-o yaml` and the table all succeed; the
# YAML holds the same value as the JSON, and the table is the default. Leaves the JSON in $WORK/out
# and in $WORK/json.
check_outputs() {
  local what=$1; shift
  wfm "$@" -o yaml; expect_ok "$what -o yaml"; cp "$WORK/out" "$WORK/yaml"
  wfm "$@" -o table; expect_ok "$what -o table"; cp "$WORK/out" "$WORK/table"
  wfm "$@"; expect_ok "$what (table by default)"
  cmp -s "$WORK/out" "$WORK/table" || fail "$what: the default output is not the table"
  wfm "$@" -o json; expect_ok "$what -o json"; cp "$WORK/out" "$WORK/json"
  jq -e . "$WORK/json" >/dev/null || fail "$what -o json is not JSON"
  same_yaml_and_json "$WORK/yaml" "$WORK/json"
  pass "$what: the YAML and the JSON hold the same value"
}
