#!/usr/bin/env bash
# The answers the other end-to-end scripts don't ask for, through lib.sh's `call` so that the
# contract test records them: revisions, PUT, every GET /jobs filter and its pages, a failed job
# (exit codes, reasons), a cancelled one, Server-Sent Events, task logs, executions, the web UI's
# files, X-Request-Id, 405s; /metrics and /job-definitions when the binary serves them (a
# definition given without revision and type is still listed with them, as AWS Batch does).
# usage: routes.sh WORKFLOW_MANAGER_BINARY SOURCE_DIR
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

cat >"$WORK/defs.json" <<'DEFS'
{"jobDefinitions": [
  {"jobDefinitionName": "echo", "revision": 1, "type": "container",
   "containerProperties": {"command": ["printenv", "_BATCH_START"],
                           "environment": [{"name": "GREETING", "value": "hi"}]}},
  {"jobDefinitionName": "fail", "revision": 2, "type": "container",
   "containerProperties": {"command": ["sh", "-c", "exit 3"]}},
  {"jobDefinitionName": "sleep", "revision": 1, "type": "container",
   "containerProperties": {"command": ["sleep", "300"]}, "timeout": {"attemptDurationSeconds": 600}},
  {"jobDefinitionName": "bare", "containerProperties": {"command": ["true"]}}
]}
DEFS
start_service --job-definitions "$WORK/defs.json"
wf() {  # wf NAME FIRST_RESOURCE: a two-state workflow whose second state echoes
  echo "{\"name\": \"$1\", \"startAt\": \"a\", \"states\": [
    {\"name\": \"a\", \"type\": \"Task\", \"resource\": \"$2\", \"next\": \"b\", \"comment\": \"first\"},
    {\"name\": \"b\", \"type\": \"Task\", \"resource\": \"echo:1\", \"end\": true}]}"
}

# Routes a newer binary adds: recorded only when served.
for path in /metrics /job-definitions; do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")" != 404 ]; then
    call GET "$path" >/dev/null; expect_status 200 "GET $path"
  else
    echo "skip: this binary does not serve $path"
  fi
done

call POST /workflows -d "$(wf chain echo)" >/dev/null; expect_status 201 "POST /workflows"
call PUT /workflows/chain -d "$(wf chain echo)" >"$WORK/put.json"; expect_status 201 "PUT /workflows/chain"
[ "$(jq -r .revision "$WORK/put.json")" = 1 ] || fail "PUT made revision $(jq .revision "$WORK/put.json")"
call PUT /workflows/nope -d "$(wf nope echo)" >/dev/null; expect_status 404 "PUT an unknown workflow"
call PUT /workflows/chain -d '{"name": "chain"}' >/dev/null; expect_status 400 "PUT an invalid workflow"
call GET /workflows/chain/revisions >"$WORK/revisions.json"; expect_status 200 "GET revisions"
[ "$(jq -c '[.[].revision]' "$WORK/revisions.json")" = "[1,0]" ] || fail "revisions: newest first"
call GET /workflows/nope/revisions >/dev/null; expect_status 404 "revisions of an unknown workflow"
call GET /workflows/chain/0 >/dev/null; expect_status 200 "GET revision 0"
call GET /workflows/chain/7 >/dev/null; expect_status 404 "GET an unknown revision"
call GET /workflows/chain/x >/dev/null; expect_status 400 "GET revision x"
call GET /workflows/nope >/dev/null; expect_status 404 "GET an unknown workflow"
call POST /workflows -d "$(wf failing fail:2)" >/dev/null; expect_status 201 "create failing"
call POST /workflows -d "$(wf sleepy sleep)" >/dev/null; expect_status 201 "create sleepy"

# Jobs: one succeeds, one fails (its second task never runs), one is cancelled while it runs.
ok=$(call POST /jobs -H 'X-Request-Id: contract.start-1' -d '{"workflow": {"name": "chain", "revision": 0}, "data": [1, {"k": null}]}' | jq -r .id)
expect_status 200 "POST /jobs with X-Request-Id"
bad=$(call POST /jobs/ -d '{"workflow": {"name": "failing", "revision": null}, "data": null}' | jq -r .id)
expect_status 200 "POST /jobs/ with nulls"
call POST /jobs -d '{"workflow": {"name": "nope"}}' >/dev/null; expect_status 404 "a job of an unknown workflow"
call POST /jobs -d '{"workflow": {"name": "chain"}, "extra": 1}' >/dev/null; expect_status 400 "an unknown field"
call GET "/events?job=$ok" --max-time 60 >"$WORK/events.txt"; expect_status 200 "GET /events until the job ends"
grep -q '^event: job' "$WORK/events.txt" || fail "no job event: $(head -c 300 "$WORK/events.txt")"
[ "$(grep '^data: ' "$WORK/events.txt" | tail -n 1 | cut -c7- | jq -r .status)" = SUCCEEDED ] ||
  fail "the stream did not end with the job"
call GET /events >/dev/null; expect_status 400 "GET /events without job"
call GET "/events?job=nope" >/dev/null; expect_status 404 "GET /events of an unknown job"
wait_job "$bad" '.status == "FAILED"'
call GET "/jobs/$bad" >"$WORK/bad.json"; expect_status 200 "GET a failed job"
jq -e '.tasks[0].exitCode == 3 and .tasks[1].status == "ABORTED_DEPS_FAILED"' "$WORK/bad.json" >/dev/null ||
  fail "failed job: $(cat "$WORK/bad.json")"
call GET "/jobs/$bad/tasks/a/log" >/dev/null; expect_status 200 "GET a failed task's log"
call GET "/jobs/$bad/tasks/zz/log" >/dev/null; expect_status 404 "GET the log of an unknown state"
sid=$(call POST /jobs -d '{"workflow": {"name": "sleepy"}}' | jq -r .id)
wait_job "$sid" '.tasks[0].status == "RUNNING"'
call DELETE "/jobs/$sid" >"$WORK/cancel.json"; expect_status 200 "DELETE without a body"
call DELETE "/jobs/$sid" -d '{"reason": "again"}' >/dev/null; expect_status 409 "DELETE a cancelled job"
call DELETE /jobs/nope -d '{"reason": "x"}' >/dev/null; expect_status 404 "DELETE an unknown job"
call DELETE "/jobs/$ok" -d '{"reason": 5}' >/dev/null; expect_status 400 "DELETE with a reason not a string"

# Listing: every filter, and the pages.
for query in "" "?workflowName=chain" "?status=FAILED" "?status=CANCELLED&workflowName=sleepy" \
             "?since=2020-01-01T00:00:00Z&until=2100-01-01T00:00:00.5Z" "?limit=1000"; do
  call GET "/jobs$query" >/dev/null; expect_status 200 "GET /jobs$query"
done
call GET "/jobs?limit=1" >/dev/null; expect_status 200 "GET /jobs?limit=1"
token=$(curl -s -D - -o /dev/null "$BASE/jobs?limit=1" | grep -i '^X-Next-Page-Token:' | cut -d' ' -f2 | tr -d '\r')
[ -n "$token" ] || fail "no X-Next-Page-Token with more jobs to list"
call GET "/jobs?limit=1&pageToken=$token" >"$WORK/page2.json"; expect_status 200 "GET the next page"
[ "$(jq length "$WORK/page2.json")" = 1 ] || fail "page 2: $(cat "$WORK/page2.json")"
for query in "?limit=0" "?limit=1001" "?status=done" "?since=yesterday" "?pageToken=zzz"; do
  call GET "/jobs$query" >/dev/null; expect_status 400 "GET /jobs$query"
done
call GET "/jobs?workflowName=nope" >/dev/null; expect_status 404 "GET /jobs of an unknown workflow"

# X-Request-Id: an unfit one is replaced.
call GET /workflows -H "X-Request-Id: $(printf 'x%.0s' $(seq 1 129))" >/dev/null; expect_status 200 "a 129-character X-Request-Id"
call GET /_health -H 'X-Request-Id: no spaces' >/dev/null; expect_status 200 "an X-Request-Id with spaces"

# Step Functions executions as the UI reads them (the POST / calls themselves are not checked).
definition='{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":{\"x\":1},\"End\":true}}}'
sfn() { call POST / -H "X-Amz-Target: AWSStepFunctions.$1" -H 'Content-Type: application/x-amz-json-1.0' -d "$2"; }
machine=$(sfn CreateStateMachine "{\"name\": \"m\", \"roleArn\": \"arn:aws:iam::123456789012:role/r\", \"definition\": \"$definition\"}" | jq -r .stateMachineArn)
execution=$(sfn StartExecution "{\"stateMachineArn\": \"$machine\", \"input\": \"{}\"}" | jq -r .executionArn)
for _ in $(seq 1 500); do
  [ "$(call GET "/executions/$execution" | jq -r .status)" = SUCCEEDED ] && break
  sleep 0.02
done
expect_status 200 "GET /executions/<arn>"
call GET /executions/nope >/dev/null; expect_status 404 "GET an unknown execution"

# The web UI's files.
call GET /ui >/dev/null; expect_status 301 "GET /ui redirects"
call GET /ui/ >/dev/null; expect_status 200 "GET /ui/"
for file in app.js style.css favicon.svg index.html; do
  call GET "/ui/$file" >/dev/null; expect_status 200 "GET /ui/$file"
done
call GET /ui/nope.js >/dev/null; expect_status 404 "GET an unknown UI file"

# Methods a path does not serve: 405 with Allow.
call DELETE /workflows >/dev/null; expect_status 405 "DELETE /workflows"
call PUT "/jobs/$ok" -d '{}' >/dev/null; expect_status 405 "PUT /jobs/<id>"
call POST /ui/ >/dev/null; expect_status 405 "POST /ui/"
call POST /_health >/dev/null; expect_status 405 "POST /_health"

stop_service TERM
echo "$CHECKS passed, 0 failed"
