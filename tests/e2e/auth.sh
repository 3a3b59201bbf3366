#!/usr/bin/env bash
# Authentication and authorisation with the real binary and curl: tokens made with
# `workflow-manager token create` while the service runs, each scope's methods, 401 and 403 as
# JSON, revocation, Origin (CSRF) and Host (DNS rebinding) checks on loopback, and the README's
# plain curl examples (no Content-Type, no Origin, no token) still answered as before.
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

FLAGS=(--job-definitions data/job-definitions.json)
wfm() { "$WFM_BIN" --data-dir "$WORK/var" "$@"; }

# restart_on PORT [flags...]: starts instance "main" on 127.0.0.1:PORT (the same port as before).
restart_on() {
  local port=$1; shift
  local log="$WORK/main.log" before
  before=$(grep -c 'listening on' "$log" 2>/dev/null || true)
  "$WFM_BIN" --listen "127.0.0.1:$port" --data-dir "$WORK/var" "$@" >>"$log" 2>&1 &
  PIDS[main]=$!
  for _ in $(seq 1 1500); do
    [ "$(grep -c 'listening on' "$log" || true)" -gt "${before:-0}" ] && return 0
    kill -0 "${PIDS[main]}" 2>/dev/null || fail "service exited at start on port $port"
    sleep 0.02
  done
  fail "service did not start on port $port"
}
# expect_json_error: the last answer's body is {"message": "..."}.
expect_json_error() {
  jq -e '.message | type == "string"' "$WORK/body" >/dev/null || fail "not a JSON error: $(cat "$WORK/body")"
}

# 1. Tokens required, none made yet: the service says how to make one; everything but /_health
#    is refused with 401.
start_service "${FLAGS[@]}" --auth required
PORT=${BASE##*:}
grep -q 'no API token exists yet.*token create' "$WORK/main.log" || fail "no advice at start"
pass "the service says how to create a token"
call GET /_health >/dev/null; expect_status 200 "GET /_health needs no token"
call GET /workflows >/dev/null; expect_status 401 "GET /workflows without a token"
expect_json_error
curl -s -D - -o /dev/null "$BASE/workflows" | grep -qi '^WWW-Authenticate: Bearer' \
  || fail "401 without WWW-Authenticate: Bearer"
pass "401 carries WWW-Authenticate: Bearer"
call POST /workflows -d @data/hello-workflow.post.json >/dev/null
expect_status 401 "POST /workflows without a token"

# 2. Tokens made while the service runs work at once.
READ=$(wfm token create --scope read --name reader 2>"$WORK/create.err") || fail "token create: $(cat "$WORK/create.err")"
WRITE=$(wfm token create --scope write --name writer 2>/dev/null)
ADMIN=$(wfm token create --scope admin 2>/dev/null)
for token in "$READ" "$WRITE" "$ADMIN"; do
  [[ "$token" =~ ^wfm_[A-Za-z0-9_-]{43}$ ]] || fail "not a token: $token"
done
pass "token create prints wfm_ tokens"
if wfm token create --scope read --name reader >/dev/null 2>"$WORK/dup.err"; then fail "a second 'reader'"; fi
grep -q "already exists" "$WORK/dup.err" || fail "duplicate name message: $(cat "$WORK/dup.err")"
if wfm token create --scope root >/dev/null 2>&1; then fail "--scope root accepted"; fi
pass "duplicate names and unknown scopes are refused"
wfm token list >"$WORK/list.txt"
grep -q 'reader .*read' "$WORK/list.txt" && grep -q 'writer .*write' "$WORK/list.txt" \
  && grep -q 'token-.*admin' "$WORK/list.txt" || fail "token list: $(cat "$WORK/list.txt")"
for token in "$READ" "$WRITE" "$ADMIN"; do
  grep -qF "${token#wfm_}" "$WORK/list.txt" && fail "token list shows a token"
done
pass "token list shows names and scopes, never tokens"

auth() { echo "Authorization: Bearer $1"; }
call GET /workflows -H "$(auth wfm_not-a-token)" >/dev/null; expect_status 401 "an unknown token"
expect_json_error
call GET /workflows -H "$(auth "$READ")" >/dev/null; expect_status 200 "read token: GET"
call POST /workflows -H "$(auth "$READ")" -d @data/hello-workflow.post.json >/dev/null
expect_status 403 "read token: POST refused"
expect_json_error
call GET /workflows/hello-workflow -H "$(auth "$ADMIN")" >/dev/null; expect_status 404 "the refused POST stored nothing"
call POST /workflows -H "$(auth "$WRITE")" -d @data/hello-workflow.post.json >/dev/null
expect_status 201 "write token: POST /workflows"
job=$(call POST /jobs -H "$(auth "$WRITE")" -d '{"workflow": {"name": "hello-workflow"}, "data": ["x"]}' | jq -r .id)
expect_status 200 "write token: POST /jobs"
call DELETE "/jobs/$job" -H "$(auth "$READ")" -d '{"reason": "r"}' >/dev/null; expect_status 403 "read token: DELETE refused"
call GET "/jobs/$job" -H "$(auth "$READ")" >/dev/null; expect_status 200 "read token: GET /jobs/<id>"
call PUT /workflows/hello-workflow -H "$(auth "$ADMIN")" -d @data/hello-workflow.post.json >/dev/null
expect_status 201 "admin token: PUT"
call POST /jobs -H "$(auth "$ADMIN")" -H 'Origin: http://evil.example' \
  -d '{"workflow": {"name": "hello-workflow"}}' >/dev/null
expect_status 403 "a write from another site is refused even with a token"

# 3. A revoked token stops working (within the guard's cache time of one second).
wfm token revoke writer 2>/dev/null || fail "token revoke writer"
if wfm token revoke writer 2>/dev/null; then fail "revoking twice succeeded"; fi
for _ in $(seq 1 250); do
  call GET /workflows -H "$(auth "$WRITE")" >/dev/null
  [ "$(cat "$WORK/status")" = 401 ] && break
  sleep 0.02
done
expect_status 401 "a revoked token"

# 4. Default mode on loopback, restarted on the same port: optional. The README's examples work
#    as written; a wrong token is still refused; Origin and Host are checked.
stop_service
restart_on "$PORT" "${FLAGS[@]}"
call GET /workflows >/dev/null; expect_status 200 "loopback: GET without a token"
status=$(curl -s -o "$WORK/body" -w '%{http_code}' -XPOST "$BASE/workflows" -d @data/hello-workflow.post.json)
[ "$status" = 409 ] || fail "README's curl POST /workflows: $status $(cat "$WORK/body")"
jq '.name = "plain"' data/hello-workflow.post.json >"$WORK/plain.json"
status=$(curl -s -o "$WORK/body" -w '%{http_code}' -XPOST "$BASE/workflows" -d @"$WORK/plain.json")
[ "$status" = 201 ] || fail "plain curl POST: $status $(cat "$WORK/body")"
pass "loopback: the README's plain curl POST (no Content-Type, no Origin) is 201"
call GET /workflows -H "$(auth wfm_wrong)" >/dev/null; expect_status 401 "loopback: a wrong token is 401"
call POST /jobs -H "$(auth "$READ")" -d '{"workflow": {"name": "plain"}}' >/dev/null
expect_status 403 "loopback: a read token can't write"
jq '.name = "csrf"' data/hello-workflow.post.json >"$WORK/csrf.json"
call POST /workflows -H 'Origin: http://evil.example' -d @"$WORK/csrf.json" >/dev/null
expect_status 403 "loopback: POST with Origin of another site"
expect_json_error
call POST /workflows -H 'Origin: null' -H 'Content-Type: text/plain' -d @"$WORK/csrf.json" >/dev/null
expect_status 403 "loopback: POST with Origin null"
call GET /workflows/csrf >/dev/null; expect_status 404 "refused writes stored nothing"
call POST /workflows -H "Origin: http://localhost:$PORT" -d @"$WORK/csrf.json" >/dev/null
expect_status 201 "loopback: POST from the service's own origin"
call GET /workflows -H "Host: evil.example:$PORT" >/dev/null
expect_status 403 "loopback: a foreign Host (DNS rebinding) is refused"
call GET /workflows -H "Host: 127.0.0.1:$PORT" >/dev/null; expect_status 200 "loopback: Host 127.0.0.1"
stop_service

# 5. --allowed-origin and --allowed-host let named ones in.
restart_on "$PORT" "${FLAGS[@]}" --allowed-origin https://ui.example.com --allowed-host wfm.example.com
jq '.name = "from-ui"' data/hello-workflow.post.json >"$WORK/ui.json"
call POST /workflows -H 'Origin: https://ui.example.com' -d @"$WORK/ui.json" >/dev/null
expect_status 201 "--allowed-origin: POST from that origin"
call GET /workflows -H "Host: wfm.example.com:$PORT" >/dev/null; expect_status 200 "--allowed-host"
stop_service
if timeout 20 "$WFM_BIN" --data-dir "$WORK/var" --auth maybe >"$WORK/bad.out" 2>&1; then fail "--auth maybe accepted"; fi
if timeout 20 "$WFM_BIN" --data-dir "$WORK/var" --allowed-origin evil.example >"$WORK/bad.out" 2>&1; then
  fail "--allowed-origin without a scheme accepted"
fi
grep -q "scheme://host" "$WORK/bad.out" || fail "bad --allowed-origin message: $(cat "$WORK/bad.out")"
pass "bad --auth and --allowed-origin are refused"

for token in "$READ" "$WRITE" "$ADMIN"; do
  grep -rqF "${token#wfm_}" "$WORK"/*.log && fail "a token is in the log"
done
pass "no token in the logs"
echo "checked: $CHECKS"
