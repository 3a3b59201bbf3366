#!/usr/bin/env bash
# The States Language corpus (tests/asl/cases) through the Step Functions API with the official
# JavaScript SDK (tests/node/asl_corpus.mjs): every case's status, output, error and number of task
# invocations must be what tests/asl says. Task resources are local functions
# (tests/asl/functions); Waits and Retry intervals are skipped (--wait-time-scale 0).
# Then, on a fresh service, a subset of the corpus (Retry, Map, Parallel, Wait, timeouts,
# activities) while the service is killed (SIGKILL) and restarted on the same port: every
# execution must still end as the corpus says.
# usage: asl_corpus.sh WORKFLOW_MANAGER_BINARY SOURCE_DIR
WFM_BIN=$1
SOURCE_DIR=$(cd "$2" && pwd)
source "$SOURCE_DIR/tests/e2e/lib.sh"

NODE_DIR=$SOURCE_DIR/tests/node
CASES=$SOURCE_DIR/tests/asl/cases
[ -d "$NODE_DIR/node_modules/@aws-sdk/client-sfn" ] ||
  fail "@aws-sdk/client-sfn is not installed; make test-deps runs npm ci in tests/node"

# The functions' job definitions run tests/asl/functions/<name>.sh from $ASL_FUNCTIONS.
export ASL_FUNCTIONS=$SOURCE_DIR/tests/asl/functions
FLAGS=(--job-definitions "$ASL_FUNCTIONS/job-definitions.json" --task-env-pass ASL_FUNCTIONS
       --wait-time-scale 0 --max-parallel 32)

# start_on_port: starts the service on the port of its first start (any free one then).
start_on_port() {
  start_service "${FLAGS[@]}"
  PORTS[main]=${BASE##*:}
}

run_corpus() {
  node --no-warnings "$NODE_DIR/asl_corpus.mjs" "http://127.0.0.1:${PORTS[main]}" "$CASES" "$@"
}

# 1. The whole corpus.
start_on_port
run_corpus || fail "the corpus through the Step Functions API"
pass "the whole corpus"
stop_service
rm -rf "${WORK:?}/var"

# 2. A subset on a fresh service, killed and restarted on the same port while it runs. The runner
#    retries its calls while the service is down. (Not the activity whose worker must heartbeat
#    every second: no heartbeat can arrive while the service is down.)
SUBSET='retry-|map-|parallel-|wait-|timeout|activity-(echo|add|fail|retry|in-map|then)'
start_on_port
run_corpus "$SUBSET" >"$WORK/subset.out" 2>&1 &
runner=$!
for _ in $(seq 1 1500); do  # until the runner has created its first state machines
  if curl -s -X POST "$BASE/" -H 'X-Amz-Target: AWSStepFunctions.ListStateMachines' \
      -H 'Content-Type: application/x-amz-json-1.0' -d '{}' |
      jq -e '.stateMachines | length > 0' >/dev/null 2>&1; then
    break
  fi
  sleep 0.02
done
sleep 1
stop_service KILL
start_on_port
pass "killed and restarted the service while the subset ran"
wait "$runner" || { cat "$WORK/subset.out" >&2; fail "the corpus subset across a restart"; }
cat "$WORK/subset.out"
pass "the corpus subset across a restart"
echo "asl corpus e2e: $CHECKS checks passed"
