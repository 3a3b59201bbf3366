#!/bin/sh
# env: the result shows what the service tells a function about its attempt.
set -eu
cat >/dev/null
jq -n --arg state "$WFM_STATE_NAME" --arg retry "$WFM_STATE_RETRY_COUNT" \
  --arg name "$WFM_EXECUTION_NAME" --arg arn "$WFM_EXECUTION_ARN" \
  '{state: $state, retryCount: ($retry | tonumber), executionName: $name, executionArn: $arn}' \
  >"$WFM_TASK_OUTPUT"
