#!/usr/bin/env bash
# GET /metrics after a job and a few requests: valid Prometheus text (promtool check metrics), and
# it counts what happened: requests by route and status, the job started and finished, executor
# calls, store commits, the engine, build information.
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"
command -v promtool >/dev/null || fail "promtool is not installed (scripts/setup.sh installs prometheus)"

start_service --job-definitions data/job-definitions.json
call POST /workflows -d @data/hello-workflow.post.json >/dev/null; expect_status 201 "create hello"
id=$(call POST /jobs -d '{"workflow": {"name": "hello-workflow"}}' | jq -r .id)
wait_job "$id" '.status == "SUCCEEDED"'
call GET /jobs/nope >/dev/null; expect_status 404 "an unknown job"
# A Step Functions execution, started twice with the same name and input (counted once).
sfn() {
  call POST / -H "X-Amz-Target: AWSStepFunctions.$1" -H 'Content-Type: application/x-amz-json-1.0' -d "$2"
}
definition='{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":60,\"End\":true}}}'
arn=$(sfn CreateStateMachine "{\"name\":\"m\",\"roleArn\":\"arn:aws:iam::123456789012:role/r\",\"definition\":\"$definition\"}" | jq -r .stateMachineArn)
for _ in 1 2; do sfn StartExecution "{\"stateMachineArn\":\"$arn\",\"name\":\"once\"}" >/dev/null; expect_status 200 "StartExecution"; done
# The job leaves the engine's memory once it is settled; its end is counted then.
for _ in $(seq 1 500); do
  call GET /metrics | grep -q 'wfm_executions_finished_total{kind="job",name="hello-workflow",status="SUCCEEDED"} 1' && break
  sleep 0.02
done

curl -s -D "$WORK/headers" "$BASE/metrics" >"$WORK/metrics.txt"
grep -qi '^Content-Type: text/plain; version=0.0.4' "$WORK/headers" || fail "content type: $(cat "$WORK/headers")"
promtool check metrics <"$WORK/metrics.txt" >"$WORK/promtool.txt" 2>&1 ||
  fail "promtool check metrics: $(cat "$WORK/promtool.txt")"
pass "promtool check metrics passes"

expect_series() {  # expect_series PATTERN DESCRIPTION: a line of the metrics matches the regex
  grep -Eq "$1" "$WORK/metrics.txt" || fail "$2: no line matches $1 in: $(grep -v _bucket "$WORK/metrics.txt")"
  pass "$2"
}
expect_series '^wfm_http_requests_total\{route="/jobs",method="POST",status="200"\} 1$' "POST /jobs counted"
expect_series '^wfm_http_requests_total\{route="/jobs/\{id\}",method="GET",status="404"\} 1$' "a 404 counted by its route"
expect_series '^wfm_http_request_duration_seconds_count\{route="/workflows",method="POST"\} 1$' "latency histogram"
expect_series '^wfm_jobs_started_total\{workflow="hello-workflow"\} 1$' "job started"
expect_series '^wfm_executions_started_total\{state_machine="m"\} 1$' "execution started once"
expect_series '^wfm_executions_finished_total\{kind="job",name="hello-workflow",status="SUCCEEDED"\} 1$' "job finished"
expect_series '^wfm_executor_calls_total\{executor="local",operation="submit",outcome="ok"\} 3$' "three submits"
expect_series '^wfm_tasks_ended_total\{executor="local",status="succeeded"\} 3$' "three tasks ended"
expect_series '^wfm_tasks_active\{executor="local",status="running"\} 0$' "no task running"
expect_series '^wfm_tasks_active\{executor="local",status="waiting"\} 0$' "no task waiting"
expect_series '^wfm_store_commit_duration_seconds_count\{store="sqlite"\} [1-9][0-9]*$' "store commits"
expect_series '^wfm_engine_rounds_total [1-9][0-9]*$' "engine rounds"
expect_series '^wfm_build_info\{version="[^"]+",executor="local"\} 1$' "build information"
call POST /metrics >/dev/null; expect_status 405 "POST /metrics is 405"

echo "$CHECKS passed, 0 failed"
