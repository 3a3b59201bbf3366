#!/usr/bin/env bash
# The service on AWS Batch, end to end: the real binary against fake-batch-server on loopback.
# The hello workflow; a failing task; DELETE observed as TerminateJob/CancelJob; 200 jobs through
# throttling, server errors and dropped connections with no duplicate submission; a SIGKILL
# between SubmitJob and storing its id, after which the job is adopted, not submitted again;
# DescribeJobs never carries more than 100 ids; no secret appears in the service's log; a resource
# that is no ACTIVE job definition is refused at POST /workflows; without credentials /_health says
# so and the waiting task's statusReason too.
WFM_BIN=$1
FAKE_BIN=$2
SOURCE_DIR=$3
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

cat >"$WORK/fake.json" <<'JSON'
{"outcomes": {"echo": {"runningMs": 20}, "echo-dependencies": {"runningMs": 20},
              "fail": {"exitCode": 3}, "sleep": {"runningMs": 600000},
              "stuck": {"stuckRunnableReason": "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - vCPUs"}},
 "jobDefinitions": [{"name": "echo", "revision": 1}, {"name": "echo-dependencies", "revision": 1},
                    {"name": "fail", "revision": 1}, {"name": "sleep", "revision": 1},
                    {"name": "stuck", "revision": 1}, {"name": "retired", "revision": 1, "status": "INACTIVE"}]}
JSON
start_fake_batch "$FAKE_BIN" "$WORK/fake.json"
fake_stats() { curl -fs "$FAKE/_fake/stats"; }
fake_config() { curl -fs -XPOST "$FAKE/_fake/config" -d "$1" >/dev/null; }

export AWS_ACCESS_KEY_ID=AKIDE2ETEST AWS_SECRET_ACCESS_KEY=e2e-secret-key-value
export AWS_SESSION_TOKEN=e2e-session-token-value AWS_EC2_METADATA_DISABLED=true
FLAGS=(--executor batch --batch-queue e2e-queue --aws-region eu-west-1 --batch-endpoint "$FAKE"
       --batch-poll-interval 0.05 --batch-runnable-warning 0 --log-level debug)
start_service "${FLAGS[@]}"

call POST /workflows -d @data/hello-workflow.post.json >/dev/null; expect_status 201 "create hello-workflow"
id=$(call POST /jobs/ -d '{"workflow": {"name": "hello-workflow", "revision": 0}, "data": ["arg1", "arg2", "arg3"]}' | jq -r .id)
wait_job "$id" '.status == "SUCCEEDED"'
pass "hello job SUCCEEDED on AWS Batch"
call GET "/jobs/$id" >"$WORK/job.json"
jq -e '[.tasks[] | select(.id | test("^[0-9a-f-]{36}$")) | select(.container | startswith("arn:aws:ecs:"))] | length == 3' \
  "$WORK/job.json" >/dev/null || fail "tasks lack Batch job ids or task ARNs: $(cat "$WORK/job.json")"
pass "each task shows its Batch job id and ECS task ARN"
call GET "/jobs/$id/tasks/start-state/log" >/dev/null; expect_status 404 "no local log for a Batch task"

# Resources are checked with DescribeJobDefinitions before a workflow is accepted.
for resource in ehco:1 echo:7 retired; do
  jq --arg r "$resource" '.name = "typo" | .states[0].resource = $r' data/hello-workflow.post.json >"$WORK/typo.json"
  call POST /workflows -d @"$WORK/typo.json" >"$WORK/typo.out"
  expect_status 400 "a workflow whose resource is $resource is refused"
  jq -e --arg r "'$resource'" '.message | contains($r)' "$WORK/typo.out" >/dev/null ||
    fail "the refusal does not name $resource: $(cat "$WORK/typo.out")"
done

# A failing task fails the job and aborts its dependents.
jq '.name = "failing" | .states[0].resource = "fail"' data/hello-workflow.post.json >"$WORK/failing.json"
call POST /workflows -d @"$WORK/failing.json" >/dev/null; expect_status 201 "create failing workflow"
fid=$(call POST /jobs -d '{"workflow": {"name": "failing"}}' | jq -r .id)
wait_job "$fid" '.status == "FAILED"'
[ "$(call GET "/jobs/$fid" | jq -r '[.tasks[].status] | join(",")')" = \
  "FAILED,ABORTED_DEPS_FAILED,ABORTED_DEPS_FAILED" ] || fail "failing job's tasks"
pass "a failing task: job FAILED, dependents ABORTED_DEPS_FAILED"

# DELETE: TerminateJob for a running task, CancelJob for one still RUNNABLE.
jq '.name = "long" | .states[0].resource = "sleep"' data/hello-workflow.post.json >"$WORK/long.json"
jq '.name = "stuck" | .states[0].resource = "stuck"' data/hello-workflow.post.json >"$WORK/stuck.json"
call POST /workflows -d @"$WORK/long.json" >/dev/null
call POST /workflows -d @"$WORK/stuck.json" >/dev/null
lid=$(call POST /jobs -d '{"workflow": {"name": "long"}}' | jq -r .id)
sid=$(call POST /jobs -d '{"workflow": {"name": "stuck"}}' | jq -r .id)
wait_job "$lid" '.tasks[0].status == "RUNNING"'
wait_job "$sid" '.tasks[0].statusReason | test("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT")'
pass "a task stuck in RUNNABLE says why: $(call GET "/jobs/$sid" | jq -r .tasks[0].statusReason)"
call DELETE "/jobs/$lid" -d '{"reason": "why cancel a job"}' >/dev/null; expect_status 200 "DELETE a running job"
call DELETE "/jobs/$sid" -d '{"reason": "why cancel a job"}' >/dev/null; expect_status 200 "DELETE a waiting job"
lbatch=$(call GET "/jobs/$lid" | jq -r .tasks[0].id)
sbatch=$(call GET "/jobs/$sid" | jq -r .tasks[0].id)
for _ in $(seq 1 500); do
  fake_stats | jq -e --arg l "$lbatch" --arg s "$sbatch" \
    '(.terminated | index($l)) != null and (.cancelled | index($s)) != null' >/dev/null && break
  sleep 0.02
done
fake_stats | jq -e --arg l "$lbatch" '(.terminated | index($l)) != null' >/dev/null || fail "no TerminateJob"
fake_stats | jq -e --arg s "$sbatch" '(.cancelled | index($s)) != null' >/dev/null || fail "no CancelJob"
pass "the fake saw TerminateJob for the running task and CancelJob for the waiting one"

# 200 jobs through faults.
fake_config '{"faults": {"throttleRate": 0.2, "errorRate": 0.05, "dropRate": 0.02}}'
ids=()
for _ in $(seq 1 200); do
  ids+=("$(call POST /jobs -d '{"workflow": {"name": "hello-workflow"}}' | jq -r .id)")
done
for j in "${ids[@]}"; do wait_job "$j" '.status == "SUCCEEDED"'; done
fake_config '{"faults": {}}'
stats=$(fake_stats)
echo "fake Batch saw: $(echo "$stats" | jq -c '{calls, duplicates, maxDescribeIds}')"
[ "$(echo "$stats" | jq .duplicates)" = 0 ] || fail "duplicate SubmitJob by name"
pass "200 jobs SUCCEEDED through 20% throttling, 5% 5xx and dropped connections; duplicates=0"

# A SIGKILL between SubmitJob and storing its id.
fake_config '{"submitDelayMs": 4000}'
kid=$(call POST /jobs -d '{"workflow": {"name": "hello-workflow"}}' | jq -r .id)
name="$kid-0-1"
for _ in $(seq 1 500); do
  [ "$(fake_stats | jq --arg n "$name" '.submitCounts[$n] // 0')" = 1 ] && break
  sleep 0.01
done
[ "$(fake_stats | jq --arg n "$name" '.submitCounts[$n] // 0')" = 1 ] || fail "the submission never reached the fake"
stop_service KILL
pass "SIGKILL while SubmitJob's answer was on its way"
fake_config '{"submitDelayMs": 0}'
lists_before=$(fake_stats | jq '.calls.ListJobs // 0')
start_service "${FLAGS[@]}"
wait_job "$kid" '.status == "SUCCEEDED"'
[ "$(fake_stats | jq --arg n "$name" '.submitCounts[$n]')" = 1 ] || fail "submitted again after the restart"
[ "$(fake_stats | jq '.calls.ListJobs // 0')" -gt "$lists_before" ] || fail "no ListJobs lookup"
pass "after the restart the job was adopted by name (ListJobs), not submitted again"

max_ids=$(fake_stats | jq .maxDescribeIds)
[ "$max_ids" -le 100 ] || fail "DescribeJobs carried $max_ids ids"
pass "DescribeJobs never carried more than 100 ids (at most $max_ids)"
stop_service TERM

for secret in e2e-secret-key-value e2e-session-token-value; do
  ! grep -q "$secret" "$WORK/main.log" || fail "a secret appears in the service's log"
done
pass "no secret in the service's log ($(wc -l <"$WORK/main.log") lines at debug level)"

# No credentials anywhere: /_health says so, and so does the statusReason of the waiting task.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$WORK/no-home"
export HOME="$WORK/no-home"
start_service "${FLAGS[@]}"
nid=$(call POST /jobs -d '{"workflow": {"name": "hello-workflow"}}' | jq -r .id)
wait_job "$nid" '.tasks[0].statusReason | test("no AWS credentials found")'
[ "$(call GET "/jobs/$nid" | jq -r .tasks[0].status)" = QUEUED ] || fail "the task is not QUEUED"
pass "without credentials the task is QUEUED: $(call GET "/jobs/$nid" | jq -r .tasks[0].statusReason)"
call GET /_health >"$WORK/health.json"; expect_status 503 "/_health answers 503 without credentials"
jq -e '.executor.message | test("AWS Batch: no AWS credentials found")' "$WORK/health.json" >/dev/null ||
  fail "/_health does not say why: $(cat "$WORK/health.json")"
stop_service TERM

echo "$CHECKS passed, 0 failed"
