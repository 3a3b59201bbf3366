#!/usr/bin/env bash
# The README's walk-through, run with curl against the real binary on a free port, plus the
# errors a user can hit, a cancelled sleeping task, and shell metacharacters in the data.
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

start_service --job-definitions data/job-definitions.json

call GET /_health >/dev/null; expect_status 200 "GET /_health"

call POST /workflows -d @data/hello-workflow.post.json >"$WORK/wf.json"
expect_status 201 "POST /workflows creates hello-workflow"
[ "$(jq -r '.name + ":" + (.revision|tostring)' "$WORK/wf.json")" = "hello-workflow:0" ] || fail "workflow body"

call GET /workflows/hello-workflow >"$WORK/wf2.json"; expect_status 200 "GET /workflows/hello-workflow"
[ "$(jq -r .startAt "$WORK/wf2.json")" = "start-state" ] || fail "startAt"
call POST /workflows -d @data/hello-workflow.post.json >/dev/null; expect_status 409 "duplicate workflow is 409"

job=$(call POST /jobs/ -d '{"workflow": {"name": "hello-workflow", "revision": 0}, "data": ["arg1", "arg2", "arg3"]}')
expect_status 200 "POST /jobs/ starts a job"
id=$(echo "$job" | jq -r .id)
wait_job "$id" '.status == "SUCCEEDED"'
pass "hello job SUCCEEDED"
call GET "/jobs/$id" >"$WORK/job.json"; expect_status 200 "GET /jobs/<job-id>"
[ "$(jq -r '[.tasks[].status] | join(",")' "$WORK/job.json")" = "SUCCEEDED,SUCCEEDED,SUCCEEDED" ] || fail "task statuses"
log=$(call GET "/jobs/$id/tasks/start-state/log"); expect_status 200 "GET task log"
[ "$log" = '["arg1","arg2","arg3"]' ] || fail "start-state log: $log"
first_task=$(jq -r '.tasks[0].id' "$WORK/job.json")
log=$(call GET "/jobs/$id/tasks/second-state/log")
[ "$log" = "$(printf '["arg1","arg2","arg3"]\n%s' "$first_task")" ] || fail "second-state log: $log"
pass "tasks got _BATCH_START and _BATCH_DEPENDENCIES"

call GET "/jobs?workflowName=hello-workflow" >"$WORK/list.json"; expect_status 200 "GET /jobs?workflowName="
[ "$(jq -r '.[0].id' "$WORK/list.json")" = "$id" ] || fail "job list"
call DELETE "/jobs/$id" -d '{"reason": "why cancel a job"}' >/dev/null; expect_status 409 "cancelling a finished job is 409"

# A job whose task sleeps, cancelled with DELETE.
jq '.name = "sleepy" | .states[0].resource = "sleep"' data/hello-workflow.post.json >"$WORK/sleepy.json"
call POST /workflows -d @"$WORK/sleepy.json" >/dev/null; expect_status 201 "create sleepy workflow"
sid=$(call POST /jobs -d '{"workflow": {"name": "sleepy"}, "data": []}' | jq -r .id)
wait_job "$sid" '.tasks[0].status == "RUNNING"'
state_file="$WORK/var/tasks/$(curl -s "$BASE/jobs/$sid" | jq -r '.tasks[0].id').state"
call DELETE "/jobs/$sid" -d '{"reason": "why cancel a job"}' >"$WORK/cancel.json"; expect_status 200 "DELETE /jobs/<job-id>"
[ "$(jq -r .status "$WORK/cancel.json")" = CANCELLED ] || fail "job not CANCELLED: $(cat "$WORK/cancel.json")"
[ "$(jq -r '[.tasks[] | .status + "/" + .statusReason] | unique | join(",")' "$WORK/cancel.json")" = \
  "ABORTED_BY_USER/why cancel a job" ] || fail "tasks after cancel: $(cat "$WORK/cancel.json")"
for _ in $(seq 1 500); do grep -q '^exit ' "$state_file" && break; sleep 0.02; done
grep -q '^exit {"signal":15,"reason":"terminated"' "$state_file" || fail "the sleeping task was not terminated"
pass "the sleeping process was terminated ($(grep '^exit' "$state_file"))"
sleep 0.2
[ "$(curl -s "$BASE/jobs/$sid" | jq -r .status)" = CANCELLED ] || fail "job left CANCELLED"
pass "a cancelled job stays CANCELLED"

# Shell metacharacters reach the task byte for byte.
data='["$(touch '"$WORK"'/pwned)", "`id`", "; rm -rf / && echo \"hi\" | cat > x", "*", "'"'"'q'"'"'"]'
mid=$(call POST /jobs -d "{\"workflow\": {\"name\": \"hello-workflow\"}, \"data\": $data}" | jq -r .id)
wait_job "$mid" '.status == "SUCCEEDED"'
[ "$(call GET "/jobs/$mid/tasks/start-state/log")" = "$(echo "$data" | jq -c .)" ] || fail "metacharacters changed"
[ ! -e "$WORK/pwned" ] || fail "data was interpreted by a shell"
pass "metacharacters in data passed verbatim"

# Errors.
call GET /nope >/dev/null; expect_status 404 "unknown path is 404"
call PATCH /workflows >/dev/null; expect_status 405 "wrong method is 405"
call GET /jobs/not-a-job >/dev/null; expect_status 404 "unknown job is 404"
call GET /jobs >"$WORK/all.json"; expect_status 200 "GET /jobs lists every workflow's jobs"
[ "$(jq length "$WORK/all.json")" -ge 2 ] || fail "GET /jobs: $(cat "$WORK/all.json")"
call GET "/jobs?status=CANCELLED" >"$WORK/cancelled.json"; expect_status 200 "GET /jobs?status="
[ "$(jq -r '[.[].status] | unique | join(",")' "$WORK/cancelled.json")" = CANCELLED ] ||
  fail "status filter: $(cat "$WORK/cancelled.json")"
call GET "/jobs?status=done" >/dev/null; expect_status 400 "an unknown status is 400"
# No value is null; a task names the job definition it ran.
jq -e '.[] | select(.status == "SUCCEEDED") | .statusReason == null and
       ([.tasks[].jobDefinition] | all(test("^[a-z-]+:[0-9]+$")))' "$WORK/all.json" >/dev/null ||
  fail "null and jobDefinition: $(cat "$WORK/all.json")"
call POST /workflows -d '{"name":' >/dev/null; expect_status 400 "bad JSON is 400"
[ "$(jq -r .message "$WORK/body")" = "the body is not valid JSON" ] || fail "error body"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$WORK/big"
call POST /workflows --data-binary @"$WORK/big" >/dev/null; expect_status 413 "a 2 MiB body is 413"
call GET /workflows >"$WORK/all.json"; expect_status 200 "GET /workflows"
[ "$(jq length "$WORK/all.json")" = 2 ] || fail "refused requests changed the workflows"
call GET /openapi.yaml >"$WORK/openapi.yaml"; expect_status 200 "GET /openapi.yaml"
grep -q '^openapi: 3' "$WORK/openapi.yaml" || fail "openapi document"

stop_service TERM
pass "SIGTERM: clean exit 0"

# Bad flags and unusable stores fail clearly.
for args in "--max-parallel 0" "--store bogus:x" "--log-format xml" "--listen nowhere" \
            "--store sqlite:/proc/no/such/dir/x.db" "--job-definitions /no/such/file.json" \
            "--max-resident-executions -1" "--max-resident-executions 0x10" \
            "--max-resident-executions 010" "--max-resident-executions 100000001"; do
  # shellcheck disable=SC2086
  if "$WFM_BIN" --data-dir "$WORK/var2" $args >"$WORK/flag.out" 2>&1; then fail "$args was accepted"; fi
  [ -s "$WORK/flag.out" ] || fail "$args failed without a message"
  pass "rejects $args: $(head -n 1 "$WORK/flag.out")"
done

# JSON logs are JSON lines.
start_instance jsonlog --job-definitions data/job-definitions.json --log-format json
stop_instance jsonlog TERM
jq -e . "$WORK/jsonlog.log" >/dev/null || fail "json log lines"
pass "--log-format json writes JSON lines"

echo "$CHECKS passed, 0 failed"
