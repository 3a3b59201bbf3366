#!/bin/sh
# flaky: fails with "Custom.Flaky" (cause: "attempt <retry count>") while the state's retry count
# is below input.failTimes; then the result is the input.
set -eu
input=$(cat)
fail_times=$(printf '%s' "$input" | jq '.failTimes // 0')
if [ "$WFM_STATE_RETRY_COUNT" -lt "$fail_times" ]; then
  jq -n --arg n "$WFM_STATE_RETRY_COUNT" '{Error: "Custom.Flaky", Cause: "attempt \($n)"}' \
    >"$WFM_TASK_OUTPUT"
  exit 1
fi
printf '%s' "$input" >"$WFM_TASK_OUTPUT"
