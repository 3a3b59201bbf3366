#!/usr/bin/env bash
# The Step Functions face of the real binary with curl: it shares the port with the v1 API, its
# errors are {"__type", "message"} with HTTP 400, SigV4-signed requests pass on loopback without
# tokens, and with --auth required a Bearer token is needed (a signed request without one is 401
# UnrecognizedClientException; a read token may describe but not create: 403
# AccessDeniedException); what it stores survives a restart on the same port.
# usage: sfn_api.sh WORKFLOW_MANAGER_BINARY SOURCE_DIR
WFM_BIN=$1
SOURCE_DIR=$2
source "$SOURCE_DIR/tests/e2e/lib.sh"
cd "$SOURCE_DIR"

SIGV4='AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00'
# sfn OPERATION BODY [curl args...]: calls the Step Functions face of $BASE.
sfn() {
  local operation=$1 body=$2; shift 2
  call POST / -H "X-Amz-Target: AWSStepFunctions.$operation" \
    -H 'Content-Type: application/x-amz-json-1.0' -d "$body" "$@"
}
# expect_type TYPE DESCRIPTION: the last answer is a Step Functions error named TYPE.
expect_type() {
  jq -e --arg t "$1" '.__type == $t and (.message | type == "string")' "$WORK/body" >/dev/null ||
    fail "$2: expected __type $1, got $(cat "$WORK/body")"
  pass "$2"
}

start_service --job-definitions data/job-definitions.json
PORT=${BASE##*:}
DEFINITION='{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}'
CREATE="{\"name\":\"m\",\"roleArn\":\"arn:aws:iam::123456789012:role/r\",\"definition\":\"$DEFINITION\"}"

sfn CreateStateMachine "$CREATE" -H "Authorization: $SIGV4" >/dev/null
expect_status 200 "a SigV4-signed CreateStateMachine passes on loopback without tokens"
MACHINE=$(jq -r .stateMachineArn "$WORK/body")
sfn NoSuchThing '{}' >/dev/null; expect_status 400 "an unknown operation"; expect_type UnknownOperationException "its type"
sfn ListStateMachines '{"maxResults":' >/dev/null; expect_status 400 "malformed JSON"; expect_type SerializationException "its type"
sfn DescribeStateMachine '{"stateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:none"}' >/dev/null
expect_status 400 "a missing state machine"; expect_type StateMachineDoesNotExist "its type"
call POST / -H 'X-Amz-Target: AWSStepFunctions.ListStateMachines' -H 'Content-Type: text/plain' -d '{}' >/dev/null
expect_status 400 "another Content-Type"; expect_type SerializationException "its type"
call GET /workflows >/dev/null; expect_status 200 "the v1 API answers on the same port"
call POST / -d '{}' >/dev/null; expect_status 404 "POST / without X-Amz-Target is the v1 API's"

# Restarted on the same port, with tokens required.
stop_service
READ=$("$WFM_BIN" --data-dir "$WORK/var" token create --scope read --name reader)
WRITE=$("$WFM_BIN" --data-dir "$WORK/var" token create --scope write --name writer)
PORTS[main]=$PORT
start_service --job-definitions data/job-definitions.json --auth required
[ "$BASE" = "http://localhost:$PORT" ] || fail "not restarted on port $PORT"
sfn ListStateMachines '{}' -H "Authorization: $SIGV4" >/dev/null
expect_status 401 "a signed request without a token, tokens required"; expect_type UnrecognizedClientException "its type"
sfn ListStateMachines '{}' >/dev/null
expect_status 401 "no Authorization at all"; expect_type UnrecognizedClientException "its type"
sfn ListStateMachines '{}' -H "Authorization: Bearer $READ" >/dev/null
expect_status 200 "a read token lists"
jq -e --arg m "$MACHINE" '.stateMachines[0].stateMachineArn == $m' "$WORK/body" >/dev/null ||
  fail "the state machine did not survive the restart: $(cat "$WORK/body")"
pass "the state machine survived the restart"
sfn DescribeStateMachine "{\"stateMachineArn\":\"$MACHINE\"}" -H "Authorization: Bearer $READ" >/dev/null
expect_status 200 "a read token describes"
sfn CreateActivity '{"name":"a"}' -H "Authorization: Bearer $READ" >/dev/null
expect_status 403 "a read token can't create"; expect_type AccessDeniedException "its type"
sfn CreateActivity '{"name":"a"}' -H "Authorization: Bearer $WRITE" >/dev/null
expect_status 200 "a write token creates"
sfn CreateActivity '{"name":"a"}' -H "Authorization: Bearer wrong" >/dev/null
expect_status 401 "an unknown token"; expect_type UnrecognizedClientException "its type"
echo "sfn_api: $CHECKS checks passed"
