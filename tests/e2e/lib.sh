# Helpers for the end-to-end tests: start and stop instances of the real binary, call them with
# curl, assert. Sourced by the test scripts; expects WFM_BIN (the workflow-manager binary).
# Every instance shares the data directory $WORK/var (replicas share their tasks' files).

set -euo pipefail

WORK=$(mktemp -d /tmp/wfm-e2e.XXXXXX)
declare -A PIDS=() URLS=() PORTS=()  # PORTS[name]: a port to start on (default: any free one)
BASE=""
CHECKS=0
cleanup() {
  for name in "${!PIDS[@]}"; do kill -9 "${PIDS[$name]}" 2>/dev/null || true; done
  [ -n "${PG_DIR:-}" ] && "$(dirname "${BASH_SOURCE[0]}")/../pg/postgres_server.sh" stop "$PG_DIR" || true
  pkill -f "$WORK" 2>/dev/null || true  # task processes left running by a killed service
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }; done
  exit 1
}
pass() { CHECKS=$((CHECKS + 1)); echo "ok: $*"; }

# start_instance NAME [flags...]: starts the binary on PORTS[NAME], or a free port; waits until it
# serves.
start_instance() {
  local name=$1; shift
  local log="$WORK/$name.log" before port
  before=$(grep -c 'listening on' "$log" 2>/dev/null || true)
  "$WFM_BIN" --listen "127.0.0.1:${PORTS[$name]:-0}" --data-dir "$WORK/var" "$@" >>"$log" 2>&1 &
  PIDS[$name]=$!
  for _ in $(seq 1 1500); do
    if [ "$(grep -c 'listening on' "$log" 2>/dev/null || true)" -gt "${before:-0}" ]; then
      port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | tail -n 1 | cut -d: -f2)
      URLS[$name]="http://localhost:$port"
      return 0
    fi
    kill -0 "${PIDS[$name]}" 2>/dev/null || fail "$name exited at start"
    sleep 0.02
  done
  fail "$name did not start"
}

# stop_instance NAME [TERM|KILL]: stops it; with TERM it must exit 0.
stop_instance() {
  local name=$1 sig=${2:-TERM} rc=0
  [ -n "${PIDS[$name]:-}" ] || return 0
  kill -s "$sig" "${PIDS[$name]}" 2>/dev/null || true
  wait "${PIDS[$name]}" 2>/dev/null || rc=$?
  unset "PIDS[$name]"
  if [ "$sig" = TERM ] && [ "$rc" -ne 0 ]; then fail "$name exited $rc on SIGTERM"; fi
  return 0
}

# The single-instance form used by most scripts: instance "main", whose URL is $BASE.
start_service() { start_instance main "$@"; BASE=${URLS[main]}; }
stop_service() { stop_instance main "${1:-TERM}"; }

# The contract test's recordings go to an absolute directory (the scripts change directory).
[ -z "${WFM_CONTRACT_DIR:-}" ] || WFM_CONTRACT_DIR=$(realpath -m "$WFM_CONTRACT_DIR")

# call METHOD PATH [curl args...]: prints the body; the status goes to $WORK/status (a file, so
# that it survives the subshell of $(call ...)). Calls $BASE. With WFM_CONTRACT_DIR set, each
# exchange is also recorded there for the contract test (tests/contract/validate_responses.mjs):
# curl writes the response's headers to $RECORDED.headers and tee copies the body to
# $RECORDED.body (no process more than an unrecorded call: some scripts record thousands), whole
# even when the reader of the output stops early (-p: `call ... | grep -q`).
call() {
  local method=$1 path=$2; shift 2
  if [ -z "${WFM_CONTRACT_DIR:-}" ]; then
    curl -s -o "$WORK/body" -w '%{http_code}' -X"$method" "$BASE$path" "$@" >"$WORK/status"
    cat "$WORK/body"
    return
  fi
  record_request "$method" "$path" "$@"
  curl -s -D "$RECORDED.headers" -o "$WORK/body" -w '%{http_code}' -X"$method" "$BASE$path" "$@" \
    >"$WORK/status"
  tee -p "$RECORDED.body" <"$WORK/body"
}

# record_request METHOD PATH [curl args...]: names the exchange `call` is about to record
# RECORDED=$WFM_CONTRACT_DIR/<script>-<microseconds>-<pid> and writes RECORDED.request (the
# method and path with its query on the first line, then the request headers given with -H) and
# an empty RECORDED.headers (what stays when no answer comes).
record_request() {
  RECORDED=${0##*/}
  RECORDED="$WFM_CONTRACT_DIR/${RECORDED%.sh}-${EPOCHREALTIME//[.,]/}-$BASHPID"
  [ -d "$WFM_CONTRACT_DIR" ] || mkdir -p "$WFM_CONTRACT_DIR"
  : >"$RECORDED.headers"
  {
    printf '%s %s\n' "$1" "$2"; shift 2
    while [ $# -gt 0 ]; do
      case $1 in -H | --header) [ $# -lt 2 ] || printf '%s\n' "$2"; shift ;; esac
      shift
    done
  } >"$RECORDED.request"
}

# expect_status CODE DESCRIPTION: the last call answered CODE.
expect_status() {
  local status
  status=$(cat "$WORK/status")
  [ "$status" = "$1" ] || fail "$2: expected HTTP $1, got $status: $(cat "$WORK/body")"
  pass "$2"
}

# wait_job ID JQ_CONDITION: polls GET $BASE/jobs/ID until it answers 200 with a job for which the
# jq condition holds (3 minutes at most).
wait_job() {
  for _ in $(seq 1 9000); do
    if call GET "/jobs/$1" >/dev/null && [ "$(<"$WORK/status")" = 200 ] &&
      jq -e "$2" "$WORK/body" >/dev/null 2>&1; then return 0; fi
    sleep 0.02
  done
  fail "job $1 never satisfied $2: $(call GET "/jobs/$1")"
}

# Marker job definitions: each run of a task appends one line to $WORK/markers/<job>-<state>.
write_marker_definitions() {
  mkdir -p "$WORK/markers"
  cat >"$WORK/defs.json" <<DEFS
{"jobDefinitions": [
  {"jobDefinitionName": "mark", "revision": 1,
   "containerProperties": {
     "command": ["sh", "-c", "echo ran >> \"\$MARKERS/\$WORKFLOW_MANAGER_JOB_ID-\$WORKFLOW_MANAGER_STATE\"; sleep \${MARK_SLEEP:-0.05}"],
     "environment": [{"name": "MARKERS", "value": "$WORK/markers"}]}},
  {"jobDefinitionName": "sleep", "revision": 1,
   "containerProperties": {"command": ["sleep", "300"]}}
]}
DEFS
  cat >"$WORK/crashy.json" <<'WF'
{"name": "crashy", "startAt": "a", "states": [
  {"name": "a", "type": "Task", "resource": "mark", "next": "b"},
  {"name": "b", "type": "Task", "resource": "mark", "next": "c"},
  {"name": "c", "type": "Task", "resource": "mark", "end": true}]}
WF
}

# start_crashy_jobs N: creates the "crashy" workflow on $BASE and starts N jobs of it; their ids
# go to the array `ids`.
start_crashy_jobs() {
  call POST /workflows -d @"$WORK/crashy.json" >/dev/null; expect_status 201 "create workflow"
  ids=()
  for _ in $(seq 1 "$1"); do
    ids+=("$(call POST /jobs -d '{"workflow": {"name": "crashy"}, "data": ["x"]}' | jq -r .id)")
  done
  pass "started $1 jobs"
}

# check_exactly_once KILLS JOB_ID...: every task of the "crashy" jobs ran exactly once.
check_exactly_once() {
  local kills=$1; shift
  local tasks=0 duplicates=0 missing=0 lines id state f
  for id in "$@"; do
    for state in a b c; do
      tasks=$((tasks + 1))
      f="$WORK/markers/$id-$state"
      if [ ! -f "$f" ]; then missing=$((missing + 1)); continue; fi
      lines=$(wc -l <"$f")
      [ "$lines" -eq 1 ] || duplicates=$((duplicates + 1))
    done
  done
  echo "checked: jobs=$# tasks=$tasks kills=$kills duplicates=$duplicates missing=$missing"
  [ "$duplicates" -eq 0 ] && [ "$missing" -eq 0 ] || fail "a task ran twice or never"
  pass "every task of $# jobs ran exactly once"
}

# start_fake_batch BINARY CONFIG_FILE: starts the fake AWS Batch server (the e2e credentials, region
# eu-west-1) with that configuration; sets FAKE to its URL. Its log is $WORK/fake.log.
start_fake_batch() {
  "$1" --port-file "$WORK/fake.port" --access-key AKIDE2ETEST --secret e2e-secret-key-value \
    --region eu-west-1 --config "$2" >"$WORK/fake.log" 2>&1 &
  PIDS[fake]=$!
  for _ in $(seq 1 500); do [ -s "$WORK/fake.port" ] && break; sleep 0.01; done
  FAKE="http://127.0.0.1:$(cat "$WORK/fake.port")"
}
