#!/usr/bin/env bash
# The Step Functions API with the AWS CLI from Debian (awscli): create a state machine, start an
# execution, describe it, read its history, stop another one; dummy credentials (signatures are
# not checked on loopback) and --endpoint-url pointing at the service.
# usage: sfn_cli.sh WORKFLOW_MANAGER_BINARY SOURCE_DIR
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

# Debian's package installs /usr/bin/aws; another aws earlier in PATH is not what CI runs.
AWS=/usr/bin/aws
[ -x "$AWS" ] || fail "the AWS CLI is not installed (scripts/setup.sh installs Debian's awscli)"
export AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"

start_service --job-definitions data/job-definitions.json
sfn() { "$AWS" stepfunctions --endpoint-url "$BASE" --region us-east-1 --output json "$@"; }

cat >"$WORK/machine.json" <<'ASL'
{"StartAt": "Choose",
 "States": {
   "Choose": {"Type": "Choice", "Default": "Hold",
              "Choices": [{"Variable": "$.fast", "BooleanEquals": true, "Next": "Greet"}]},
   "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('hello {}', $.who)"},
             "End": true},
   "Hold": {"Type": "Wait", "Seconds": 600, "End": true}}}
ASL
ROLE=arn:aws:iam::123456789012:role/cli
MACHINE=$(sfn create-state-machine --name cli-machine --role-arn "$ROLE" \
  --definition "file://$WORK/machine.json" | jq -r .stateMachineArn) || fail "create-state-machine"
[ "$MACHINE" = "arn:aws:states:us-east-1:123456789012:stateMachine:cli-machine" ] ||
  fail "create-state-machine answered $MACHINE"
pass "create-state-machine"
sfn describe-state-machine --state-machine-arn "$MACHINE" | jq -e '.status == "ACTIVE" and .type == "STANDARD"' >/dev/null ||
  fail "describe-state-machine"
pass "describe-state-machine"

RUN=$(sfn start-execution --state-machine-arn "$MACHINE" --name fast \
  --input '{"fast": true, "who": "cli"}' | jq -r .executionArn) || fail "start-execution"
pass "start-execution"
for _ in $(seq 1 500); do
  STATUS=$(sfn describe-execution --execution-arn "$RUN" | jq -r .status)
  [ "$STATUS" = RUNNING ] || break
  sleep 0.05
done
sfn describe-execution --execution-arn "$RUN" >"$WORK/described.json"
jq -e '.status == "SUCCEEDED" and (.output | fromjson | .greeting == "hello cli")' "$WORK/described.json" >/dev/null ||
  fail "describe-execution: $(cat "$WORK/described.json")"
pass "describe-execution shows the output"
sfn get-execution-history --execution-arn "$RUN" >"$WORK/history.json" || fail "get-execution-history"
jq -e '.events[0].type == "ExecutionStarted" and .events[-1].type == "ExecutionSucceeded"
       and ([.events[].id] == [range(1; (.events | length) + 1)])' "$WORK/history.json" >/dev/null ||
  fail "get-execution-history: $(cat "$WORK/history.json")"
pass "get-execution-history"

HELD=$(sfn start-execution --state-machine-arn "$MACHINE" --input '{"fast": false}' | jq -r .executionArn)
sfn stop-execution --execution-arn "$HELD" --error Halt --cause "stopped by the CLI" >/dev/null || fail "stop-execution"
for _ in $(seq 1 500); do
  STATUS=$(sfn describe-execution --execution-arn "$HELD" | jq -r .status)
  [ "$STATUS" = RUNNING ] || break
  sleep 0.05
done
sfn describe-execution --execution-arn "$HELD" | jq -e '.status == "ABORTED" and .error == "Halt"' >/dev/null ||
  fail "stop-execution did not abort: $(sfn describe-execution --execution-arn "$HELD")"
pass "stop-execution"
sfn list-executions --state-machine-arn "$MACHINE" | jq -e '.executions | length == 2' >/dev/null ||
  fail "list-executions"
pass "list-executions"

# An error reaches the CLI by name.
if sfn describe-execution --execution-arn "${RUN}-none" 2>"$WORK/err"; then fail "a missing execution was described"; fi
grep -q ExecutionDoesNotExist "$WORK/err" || fail "the CLI did not see ExecutionDoesNotExist: $(cat "$WORK/err")"
pass "errors reach the CLI by name"
echo "sfn_cli: $CHECKS checks passed"
