# Helpers for the end-to-end tests: start and stop the real binary, call it with curl, assert.
# Sourced by the test scripts; expects WFM_BIN (the workflow-manager binary) and SOURCE_DIR.

set -euo pipefail

WORK=$(mktemp -d /tmp/wfm-e2e.XXXXXX)
trap 'stop_service KILL || true; rm -rf "$WORK"' EXIT
SERVICE_PID=""
BASE=""
CHECKS=0

fail() { echo "FAIL: $*" >&2; [ -f "$WORK/service.log" ] && tail -n 30 "$WORK/service.log" >&2; exit 1; }
pass() { CHECKS=$((CHECKS + 1)); echo "ok: $*"; }

# start_service [extra flags...]: starts the binary on a free port, waits for /_health.
start_service() {
  "$WFM_BIN" --listen 127.0.0.1:0 --data-dir "$WORK/var" "$@" >>"$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 500); do
    local port
    port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$WORK/service.log" | tail -n 1 | cut -d: -f2 || true)
    if [ -n "$port" ] && [ "$(grep -c 'listening on' "$WORK/service.log")" -ge "${STARTS:-1}" ]; then
      BASE="http://localhost:$port"
      curl -fs "$BASE/_health" >/dev/null && { STARTS=$(( ${STARTS:-1} + 1 )); return 0; }
    fi
    kill -0 "$SERVICE_PID" 2>/dev/null || fail "service exited at start"
    sleep 0.02
  done
  fail "service did not start"
}

# stop_service [TERM|KILL]: stops the service; with TERM it must exit 0.
stop_service() {
  [ -n "$SERVICE_PID" ] || return 0
  local sig=${1:-TERM} rc=0
  kill -s "$sig" "$SERVICE_PID" 2>/dev/null || true
  wait "$SERVICE_PID" || rc=$?
  SERVICE_PID=""
  if [ "$sig" = TERM ] && [ "$rc" -ne 0 ]; then fail "service exited $rc on SIGTERM"; fi
  return 0
}

# call METHOD PATH [curl args...]: prints the body; the status goes to $WORK/status (a file, so
# that it survives the subshell of $(call ...)).
call() {
  local method=$1 path=$2; shift 2
  curl -s -o "$WORK/body" -w '%{http_code}' -X"$method" "$BASE$path" "$@" >"$WORK/status"
  cat "$WORK/body"
}

# expect_status CODE DESCRIPTION: the last call answered CODE.
expect_status() {
  local status
  status=$(cat "$WORK/status")
  [ "$status" = "$1" ] || fail "$2: expected HTTP $1, got $status: $(cat "$WORK/body")"
  pass "$2"
}

# wait_job ID JQ_CONDITION: polls GET /jobs/ID until the jq condition holds.
wait_job() {
  for _ in $(seq 1 3000); do
    if curl -fs "$BASE/jobs/$1" | jq -e "$2" >/dev/null 2>&1; then return 0; fi
    sleep 0.02
  done
  fail "job $1 never satisfied $2: $(curl -s "$BASE/jobs/$1")"
}
